//! Replays every saved fuzz input (fuzz/regressions/<target>/ — inputs that
//! once crashed — and fuzz/seeds/<target>/) through the same checks as the
//! fuzz targets, so a fixed crash stays fixed under plain `cargo test`.

use std::fs;
use std::path::Path;

use crate::common::annotator;
use crate::fuzz_checks;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in ["regressions", "seeds"] {
        let Ok(entries) = fs::read_dir(root.join(dir).join(target)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() && path.extension().is_none_or(|e| e != "md") {
                out.push((path.display().to_string(), fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn replay(target: &str, check: fn(&tifa::pipeline::Annotator, &[u8])) {
    let annotator = annotator();
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no saved inputs for {target}");
    for (name, data) in inputs {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&annotator, &data)));
        assert!(result.is_ok(), "{target}: {name} fails again");
    }
}

#[test]
fn annotate_inputs_stay_fixed() {
    replay("annotate", fuzz_checks::annotate);
}

#[test]
fn decode_request_inputs_stay_fixed() {
    replay("decode_request", fuzz_checks::decode_request);
}
