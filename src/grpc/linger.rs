//! Lingering close for client connections. When a server closes a socket
//! that still holds unread bytes (a call the client sent while the server was
//! draining), the kernel answers with a RST instead of a FIN, and the client's
//! kernel may throw away the last responses it had not read yet: a call the
//! server finished is lost. Closing the write side first, then reading until
//! the client closes too (bounded), delivers every response the server wrote.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// How long a closed connection waits for the client to close its side.
const LINGER: Duration = Duration::from_secs(1);

/// One server's closed connections that are still lingering.
#[derive(Clone, Default)]
pub struct Lingering {
    count: Arc<AtomicUsize>,
}

impl Lingering {
    /// `stream`, closing lingering when dropped.
    pub fn wrap(&self, stream: TcpStream) -> LingeringStream {
        LingeringStream { stream: Some(stream), lingering: Arc::clone(&self.count) }
    }

    /// Waits until every closed connection has finished lingering, or `limit`.
    pub async fn settle(&self, limit: Duration) {
        let _ = tokio::time::timeout(limit, async {
            while self.count.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
    }
}

/// A client connection that closes lingering when dropped.
pub struct LingeringStream {
    stream: Option<TcpStream>,
    lingering: Arc<AtomicUsize>,
}

impl LingeringStream {
    fn inner(&mut self) -> Pin<&mut TcpStream> {
        Pin::new(self.stream.as_mut().expect("the stream is only taken on drop"))
    }
}

impl Drop for LingeringStream {
    fn drop(&mut self) {
        let (Some(mut stream), Ok(runtime)) = (self.stream.take(), tokio::runtime::Handle::try_current()) else {
            return;
        };
        let lingering = Arc::clone(&self.lingering);
        lingering.fetch_add(1, Ordering::SeqCst);
        runtime.spawn(async move {
            let _ = tokio::time::timeout(LINGER, async {
                stream.shutdown().await?;
                let mut sink = [0u8; 4096];
                while stream.read(&mut sink).await? > 0 {}
                io::Result::Ok(())
            })
            .await;
            lingering.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

impl Connected for LingeringStream {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.stream.as_ref().expect("the stream is only taken on drop").connect_info()
    }
}

impl AsyncRead for LingeringStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_read(cx, buf)
    }
}

impl AsyncWrite for LingeringStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner().poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_write_vectored())
    }
}
