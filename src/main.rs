//! The `tifa` binary: serve gRPC (default), or annotate/evaluate offline.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use clap::{Parser, Subcommand, ValueEnum};
use tifa::pipeline::offsets::OffsetEncoding;
use tifa::pipeline::segment::{SegmentationMode, SegmentationOptions};
use tifa::pipeline::{AnnotateOptions, BoilerplateMode, Features};
use tifa::settings::{CONFIG_ENV, DEFAULT_TOML, Settings};
use tifa::{grpc, resources, shutdown, telemetry};

/// jemalloc returns freed memory to the system on its own (dirty pages decay
/// after seconds); glibc's per-thread arenas kept the high-water mark of
/// every worker, and resident memory crept up under long mixed load
/// (BENCHMARKS.md, soak). The library leaves the choice to the binary.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// sysexits EX_USAGE: bad configuration, nothing was started.
const EXIT_CONFIG: u8 = 64;

#[derive(Parser)]
#[command(
    name = "tifa",
    version,
    about = "提法 tifa: annotates Chinese news and policy text over gRPC (tokens, entities, policy phrases)",
    after_long_help = settings_help()
)]
struct Cli {
    /// Settings file (TOML) overriding the embedded defaults; see below.
    #[arg(long, global = true, env = CONFIG_ENV, value_name = "PATH")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve tifa.v1.AnnotationService, health and reflection (the default).
    Serve,
    /// Annotate files (or stdin) without a server; prints one JSON object per document.
    Annotate {
        /// Text files; none means stdin.
        files: Vec<PathBuf>,
        /// Unit of the offsets printed.
        #[arg(long, value_enum, default_value = "code-point")]
        encoding: EncodingArg,
        /// Segmentation mode.
        #[arg(long, value_enum, default_value = "precise")]
        mode: ModeArg,
        /// Turn off the HMM for unknown words.
        #[arg(long)]
        no_hmm: bool,
        /// Annotators to run (comma-separated); default all.
        #[arg(long, value_delimiter = ',', value_enum)]
        features: Vec<FeatureArg>,
        /// Keep annotations found in web boilerplate (menus, footers), flagged.
        #[arg(long)]
        mark_boilerplate: bool,
    },
    /// Measure accuracy on labelled data (reads ../shared/data or a given path).
    #[command(subcommand)]
    Eval(tifa::cli::eval::EvalCommand),
    /// Drive a running server with concurrent clients; print throughput, latency and errors.
    Bench(tifa::grpc::loadgen::LoadOptions),
    /// Train models from labelled data (reads ../shared/data or a given path).
    #[command(subcommand)]
    Train(tifa::cli::train::TrainCommand),
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Utf8,
    Utf16,
    CodePoint,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Precise,
    Search,
    Full,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum FeatureArg {
    Tokens,
    Entities,
    PolicyPhrases,
    Keywords,
    Structure,
}

fn settings_help() -> String {
    format!(
        "SETTINGS\n  Embedded defaults, overridden by --config FILE (or {CONFIG_ENV}), then by environment\n  \
         variables TIFA_<SECTION>__<KEY> (e.g. TIFA_SERVER__LISTEN=0.0.0.0:50051). Lists take commas.\n  \
         Every key and its default:\n\n{DEFAULT_TOML}\nSIGNALS\n  SIGTERM/SIGINT: drain and stop. SIGHUP: reload lexicon files."
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    let settings = match Settings::load(cli.config.as_ref(), &env) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tifa: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Annotate { files, encoding, mode, no_hmm, features, mark_boilerplate } => {
            let boilerplate = if mark_boilerplate { BoilerplateMode::Mark } else { BoilerplateMode::Skip };
            annotate(&settings, &files, encoding, mode, no_hmm, &features, boilerplate)
        }
        Command::Eval(command) => report("tifa eval", tifa::cli::eval::run(command, &settings)),
        Command::Bench(options) => bench(options),
        Command::Train(command) => report("tifa train", tifa::cli::train::run(command)),
    }
}

fn report(what: &str, result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{what}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tifa: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let started = Instant::now();
        let settings = Arc::new(settings);
        let listener = match tokio::net::TcpListener::bind(settings.server.listen).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(address = %settings.server.listen, error = %e, "cannot listen");
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(address = %settings.server.listen, "listening; loading resources");
        if let Err(e) = start_metrics(&settings).await {
            tracing::error!(error = %e, "cannot serve metrics");
            return ExitCode::FAILURE;
        }
        let slot = Arc::new(ArcSwapOption::empty());
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let load_failed = Arc::new(tokio::sync::Notify::new());
        let loader = {
            let (slot, settings, load_failed) = (Arc::clone(&slot), Arc::clone(&settings), Arc::clone(&load_failed));
            async move {
                let Ok(handle) = ready_rx.await else { return };
                let resources = settings.resources.clone();
                match tokio::task::spawn_blocking(move || resources::load_annotator(&resources)).await {
                    Ok(Ok(annotator)) => {
                        tifa::grpc::record_versions(&annotator);
                        slot.store(Some(Arc::new(annotator)));
                        grpc::ServerHandle::set_serving(&handle, true).await;
                        grpc::spawn_lexicon_reloader(
                            slot,
                            settings.resources.lexicons.clone(),
                            Duration::from_secs(settings.resources.watch_interval_secs),
                        );
                        tracing::info!(startup_ms = started.elapsed().as_millis() as u64, "serving");
                    }
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "cannot load resources");
                        load_failed.notify_one();
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "resource loading panicked");
                        load_failed.notify_one();
                    }
                }
            }
        };
        tokio::spawn(loader);
        let stop = {
            let load_failed = Arc::clone(&load_failed);
            async move {
                tokio::select! {
                    () = shutdown::terminate_signal() => {}
                    () = load_failed.notified() => {}
                }
            }
        };
        let result = grpc::serve(listener, Arc::clone(&slot), settings, |h| drop(ready_tx.send(h)), stop).await;
        match result {
            Ok(()) if slot.load().is_some() => ExitCode::SUCCESS,
            Ok(()) => ExitCode::FAILURE,
            Err(e) => {
                tracing::error!(error = %e, "server failed");
                ExitCode::FAILURE
            }
        }
    })
}

fn bench(options: tifa::grpc::loadgen::LoadOptions) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tifa bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tifa::grpc::loadgen::run(options.clone())) {
        Ok(mut report) => {
            report.print(&options);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tifa bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prometheus `/metrics` on its own port, when `metrics.listen` is set.
async fn start_metrics(settings: &Settings) -> Result<(), String> {
    let Some(address) = settings.metrics.address()? else { return Ok(()) };
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| format!("{address}: {e}"))?;
    let handle = tifa::monitoring::install();
    tokio::spawn(tifa::monitoring::serve(listener, handle));
    tifa::monitoring::spawn_memory_sampler();
    tracing::info!(%address, "metrics at /metrics");
    Ok(())
}

fn annotate(
    settings: &Settings,
    files: &[PathBuf],
    encoding: EncodingArg,
    mode: ModeArg,
    no_hmm: bool,
    features: &[FeatureArg],
    boilerplate: BoilerplateMode,
) -> ExitCode {
    let annotator = match resources::load_annotator(&settings.resources) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tifa: {e}");
            return ExitCode::FAILURE;
        }
    };
    let features = if features.is_empty() {
        Features::ALL
    } else {
        Features {
            tokens: features.contains(&FeatureArg::Tokens),
            entities: features.contains(&FeatureArg::Entities),
            policy_phrases: features.contains(&FeatureArg::PolicyPhrases),
            keywords: features.contains(&FeatureArg::Keywords),
            structure: features.contains(&FeatureArg::Structure),
        }
    };
    let options = AnnotateOptions {
        features,
        segmentation: SegmentationOptions {
            mode: match mode {
                ModeArg::Precise => SegmentationMode::Precise,
                ModeArg::Search => SegmentationMode::Search,
                ModeArg::Full => SegmentationMode::Full,
            },
            hmm: !no_hmm,
        },
        boilerplate,
        ..Default::default()
    };
    let encoding = match encoding {
        EncodingArg::Utf8 => OffsetEncoding::Utf8,
        EncodingArg::Utf16 => OffsetEncoding::Utf16,
        EncodingArg::CodePoint => OffsetEncoding::CodePoint,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match tifa::cli::annotate::run(&annotator, files, encoding, &options, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tifa annotate: {e}");
            ExitCode::FAILURE
        }
    }
}
