//! Connection timeouts that suit both a slow client and a reverse proxy. A request's header must
//! arrive within the header timeout of its first byte (a slow-loris client cannot hold a
//! connection by trickling bytes), while a keep-alive connection may wait idle for its next
//! request for the idle timeout, longer than the upstream pools of common proxies keep a
//! connection. (hyper's own header-read timeout also counts the idle time before a request, so
//! a client reusing its connection after a few seconds raced its close.)
//!
//! The connection is read through [`Timed`], which watches the bytes go by: idle until a
//! request's first byte, reading the header until its blank line, then inside the request until
//! the response is written, and idle again.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The time a request's header may take from its first byte (the settings may change it).
pub const HEADER_TIMEOUT: Duration = crate::config::DEFAULT_HEADER_TIMEOUT;
/// The time an open connection may wait for its next request (the settings may change it).
pub const IDLE_TIMEOUT: Duration = crate::config::DEFAULT_IDLE_TIMEOUT;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for a request's first byte.
    Idle,
    /// Reading a request's header; `tail` holds its last three bytes so far.
    Header { tail: [u8; 3] },
    /// The header is in: reading the body, or answering. No deadline here.
    Request,
}

/// A connection read under the two timeouts.
pub struct Timed<S> {
    inner: S,
    stage: Stage,
    header: Duration,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
}

impl<S> Timed<S> {
    pub fn new(inner: S, header: Duration, idle: Duration) -> Timed<S> {
        Timed {
            inner,
            stage: Stage::Idle,
            header,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }

    fn enter(&mut self, stage: Stage) {
        let wait = match stage {
            Stage::Idle => Some(self.idle),
            Stage::Header { .. } => Some(self.header),
            Stage::Request => None,
        };
        if let Some(wait) = wait
            && !matches!(
                (self.stage, stage),
                (Stage::Header { .. }, Stage::Header { .. })
            )
        {
            self.timer.as_mut().reset(Instant::now() + wait);
        }
        self.stage = stage;
    }

    /// Follows the bytes just read: a request starts, or its header ends.
    fn saw(&mut self, bytes: &[u8]) {
        let mut stage = self.stage;
        for &b in bytes {
            stage = match stage {
                Stage::Idle if b == b'\r' || b == b'\n' => Stage::Idle,
                Stage::Idle => Stage::Header { tail: [0, 0, b] },
                Stage::Header { tail } => {
                    let last4 = [tail[0], tail[1], tail[2], b];
                    if &last4 == b"\r\n\r\n" || &last4[2..] == b"\n\n" {
                        Stage::Request
                    } else {
                        Stage::Header {
                            tail: [tail[1], tail[2], b],
                        }
                    }
                }
                Stage::Request => Stage::Request,
            };
            if stage == Stage::Request {
                break;
            }
        }
        if stage != self.stage {
            self.enter(stage);
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Timed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = buf.filled()[before..].to_vec();
                this.saw(&new);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                if this.stage == Stage::Request {
                    return Poll::Pending;
                }
                ready!(this.timer.as_mut().poll(cx));
                let what = if this.stage == Stage::Idle {
                    "idle connection timed out"
                } else {
                    "request header timed out"
                };
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, what)))
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Timed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        // An answer is going out: the connection waits for its next request from here.
        if this.stage == Stage::Request && written > 0 {
            this.enter(Stage::Idle);
        }
        Poll::Ready(Ok(written))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = ready!(Pin::new(&mut this.inner).poll_write_vectored(cx, bufs))?;
        if this.stage == Stage::Request && written > 0 {
            this.enter(Stage::Idle);
        }
        Poll::Ready(Ok(written))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    const H: Duration = Duration::from_millis(200);
    const I: Duration = Duration::from_millis(800);

    #[tokio::test]
    async fn idle_waits_long_and_a_slow_header_is_cut() {
        let (mut client, server) = duplex(1024);
        let mut timed = Timed::new(server, H, I);
        let mut buf = [0u8; 64];
        // Idle longer than the header timeout: still open.
        tokio::time::sleep(H * 2).await;
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let n = timed.read(&mut buf).await.unwrap();
        assert!(n > 0);
        assert_eq!(timed.stage, Stage::Request);
        timed.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
        assert_eq!(timed.stage, Stage::Idle);
        // A header that trickles in stops at the header timeout.
        client.write_all(b"GET / HT").await.unwrap();
        let _ = timed.read(&mut buf).await.unwrap();
        let started = std::time::Instant::now();
        let err = timed.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < I, "cut by the header timeout");
    }

    #[tokio::test]
    async fn an_idle_connection_closes_after_the_idle_timeout() {
        let (_client, server) = duplex(64);
        let mut timed = Timed::new(server, H, I);
        let started = std::time::Instant::now();
        let mut buf = [0u8; 8];
        let err = timed.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= I);
    }
}
