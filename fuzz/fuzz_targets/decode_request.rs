//! Arbitrary bytes → protobuf decoding of AnnotateRequest,
//! BatchAnnotateRequest and StreamAnnotateRequest → the server's request
//! validation → (when valid) the pipeline and the span invariants. The logic
//! is shared with `cargo test`: tests/integration/fuzz_checks.rs
//! (`decode_request`).

#![no_main]

use std::collections::HashMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tifa::pipeline::Annotator;
use tifa::settings::Settings;

#[path = "../../tests/integration/fuzz_checks.rs"]
mod fuzz_checks;
#[path = "../../tests/integration/invariants.rs"]
mod invariants;

static ANNOTATOR: LazyLock<Annotator> = LazyLock::new(|| {
    let settings = Settings::load(None, &HashMap::new()).expect("default settings");
    tifa::resources::load_annotator(&settings.resources).expect("embedded resources")
});

fuzz_target!(|data: &[u8]| fuzz_checks::decode_request(&ANNOTATOR, data));
