//! Compiles proto/ with protox (pure Rust, no `protoc` needed) and generates the
//! tonic server/client code plus the descriptor set that feeds reflection.
use std::{env, fs, path::PathBuf};

const PROTOS: &[&str] = &["tifa/v1/annotation_service.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let fds = protox::compile(PROTOS, ["proto"])?;
    fs::write(out_dir.join("tifa_descriptor.bin"), prost::Message::encode_to_vec(&fds))?;
    tonic_prost_build::configure()
        .extern_path(".google.rpc", "::tonic_types::pb")
        // prost encoding through a Vec: see src/grpc/codec.rs.
        .codec_path("crate::grpc::codec::VecCodec")
        .compile_fds(fds)?;
    // tonic-prost-build 0.14 does not emit these itself (grpc/grpc-rust#2511).
    println!("cargo:rerun-if-changed=build.rs");
    for entry in walk("proto")? {
        println!("cargo:rerun-if-changed={}", entry.display());
    }
    Ok(())
}

fn walk(dir: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(dir) = stack.pop() {
        files.push(dir.clone());
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}
