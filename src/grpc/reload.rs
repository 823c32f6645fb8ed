//! Lexicon hot reload: on SIGHUP, and when a configured lexicon file changes.
//! A broken file is logged with its file and line; the lexicon in use stays.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use tokio::signal::unix::{SignalKind, signal};

use crate::resources::{AnnotatorSlot, reload_lexicon};

/// Watches for reload triggers until the process ends.
pub fn spawn_lexicon_reloader(slot: AnnotatorSlot, files: Vec<PathBuf>, poll_every: Duration) {
    tokio::spawn(async move {
        let mut hangup = match signal(SignalKind::hangup()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "no SIGHUP handler; lexicon reload on signal disabled");
                return;
            }
        };
        let mut seen = modification_times(&files);
        let polling = !poll_every.is_zero() && !files.is_empty();
        let mut tick = tokio::time::interval(if polling { poll_every } else { Duration::from_secs(3600) });
        tick.tick().await;
        loop {
            let trigger = tokio::select! {
                _ = hangup.recv() => "SIGHUP",
                _ = tick.tick(), if polling => {
                    let now = modification_times(&files);
                    if now == seen { continue; }
                    seen = now;
                    "file change"
                }
            };
            let (slot_for_metrics, slot, files) = (slot.clone(), slot.clone(), files.clone());
            match tokio::task::spawn_blocking(move || reload_lexicon(&slot, &files)).await {
                Ok(Ok(version)) => {
                    tracing::info!(trigger, version, "lexicon reloaded");
                    if let Some(annotator) = slot_for_metrics.load_full() {
                        super::record_versions(&annotator);
                    }
                }
                Ok(Err(e)) => {
                    tracing::error!(trigger, error = %e, "lexicon reload rejected; the previous lexicon keeps serving")
                }
                Err(e) => tracing::error!(trigger, error = %e, "lexicon reload failed"),
            }
        }
    });
}

fn modification_times(files: &[PathBuf]) -> Vec<Option<SystemTime>> {
    files.iter().map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok()).collect()
}
