//! Bounded CPU work: at most `workers` documents annotate at once on blocking
//! threads, at most `max_queued` more wait, and anything beyond is shed with
//! RESOURCE_EXHAUSTED instead of queueing without end.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use metrics::{counter, gauge};
use tokio::sync::Semaphore;
use tonic::Status;

use crate::monitoring::{IN_FLIGHT, SHED};

pub struct WorkLimiter {
    workers: Arc<Semaphore>,
    admitted: AtomicUsize,
    max_admitted: usize,
}

/// An admitted request; releases its slot when it finishes or is dropped.
pub struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        let now = self.0.fetch_sub(1, Ordering::AcqRel) - 1;
        gauge!(IN_FLIGHT).set(now as f64);
    }
}

impl WorkLimiter {
    pub fn new(workers: usize, max_queued: usize) -> Self {
        Self {
            workers: Arc::new(Semaphore::new(workers)),
            admitted: AtomicUsize::new(0),
            max_admitted: workers + max_queued,
        }
    }

    /// Requests admitted and not finished (running or waiting).
    pub fn in_flight(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }

    /// Admits one request, or sheds it when too many already run or wait.
    pub fn admit(&self) -> Result<Admission<'_>, Status> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        if before >= self.max_admitted {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            counter!(SHED).increment(1);
            return Err(Status::resource_exhausted(
                "server busy: all workers and queue slots are taken; retry with backoff",
            ));
        }
        gauge!(IN_FLIGHT).set((before + 1) as f64);
        Ok(Admission(&self.admitted))
    }

    /// Runs `job` on a blocking thread once a worker is free, or sheds the
    /// request when too many already wait.
    pub async fn run<T, F>(&self, job: F) -> Result<T, Status>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let _admission = self.admit()?;
        self.run_waiting(job).await
    }

    /// Runs `job` once a worker is free, waiting as long as it takes. For
    /// streams, where waiting is the flow control the client asked for.
    pub async fn run_waiting<T, F>(&self, job: F) -> Result<T, Status>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = Arc::clone(&self.workers)
            .acquire_owned()
            .await
            .map_err(|_| Status::unavailable("server is shutting down"))?;
        // The permit moves into the blocking task: if the caller's deadline
        // drops this future, the worker stays counted until the job ends.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "annotation job failed");
            Status::internal("annotation failed on this document")
        })
    }
}
