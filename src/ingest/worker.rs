//! The extraction worker: HTML and PDF are parsed in a child process (`vagvisare
//! extract-worker`), so that a panic, a stack overflow, an allocation failure or an endless
//! loop in a parser costs one file, never the indexer. The parent sends one JSON request per
//! line on the child's stdin and waits for one marked result line on its stdout, with a
//! wall-clock limit; the child runs under an address-space limit (`RLIMIT_AS`). A child that
//! dies or times out is killed, its file reported, and a fresh child started for the next file.

use super::{IngestError, Limits, SourceFile};
use crate::document::{Document, Kind, RelPath};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};

/// Prefix of the one line per request that carries a result; anything else a library prints
/// on stdout is ignored.
const MARKER: &str = "\u{1e}VAGVISARE-RESULT ";

#[derive(Serialize, Deserialize)]
struct Request {
    abs: PathBuf,
    rel: RelPath,
    kind: Kind,
}

type Reply = Result<Document, IngestError>;

/// Worker processes that died or timed out (and were replaced on the next file), in this
/// process's life.
static RESTARTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many extraction workers this process has lost (for `/metrics`).
pub fn restarts() -> u64 {
    RESTARTS.load(std::sync::atomic::Ordering::Relaxed)
}

/// How to start a worker: the executable (normally this very binary) and the limits it gets.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    pub exe: PathBuf,
    pub limits: Limits,
}

impl WorkerSpec {
    /// A spec that re-runs the current executable.
    pub fn current(limits: Limits) -> std::io::Result<WorkerSpec> {
        Ok(WorkerSpec {
            exe: std::env::current_exe()?,
            limits,
        })
    }
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr_tail: Arc<Mutex<String>>,
}

/// One extraction worker process, restarted as needed. Not shared between threads.
pub struct Worker {
    spec: WorkerSpec,
    running: Option<Running>,
}

impl Worker {
    pub fn new(spec: WorkerSpec) -> Worker {
        Worker {
            spec,
            running: None,
        }
    }

    fn start(&self) -> std::io::Result<Running> {
        let mut cmd = Command::new(&self.spec.exe);
        let limits = serde_json::to_string(&self.spec.limits).expect("limits serialise");
        cmd.arg("extract-worker")
            .arg("--limits")
            .arg(limits)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("RUST_LOG");
        let mem = self.spec.limits.worker_memory_bytes;
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
            unsafe {
                cmd.pre_exec(move || {
                    let lim = libc::rlimit {
                        rlim_cur: mem as libc::rlim_t,
                        rlim_max: mem as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix(MARKER)
                    && tx.send(rest.to_string()).is_err()
                {
                    break;
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(String::new()));
        let tail = stderr_tail.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                t.push_str(&String::from_utf8_lossy(&buf[..n]));
                if t.len() > 2048 {
                    let mut cut = t.len() - 1024;
                    while !t.is_char_boundary(cut) {
                        cut += 1;
                    }
                    *t = t[cut..].to_string();
                }
            }
        });
        Ok(Running {
            child,
            stdin,
            lines,
            stderr_tail,
        })
    }

    /// Extracts one file in the worker process.
    pub fn extract(&mut self, file: &SourceFile) -> Reply {
        if self.running.is_none() {
            self.running = Some(self.start().map_err(|e| {
                IngestError::Crashed(format!("could not start the extraction worker: {e}"))
            })?);
        }
        let run = self.running.as_mut().expect("just started");
        let req = Request {
            abs: file.abs.clone(),
            rel: file.rel.clone(),
            kind: file.kind,
        };
        let mut line = serde_json::to_string(&req).expect("request serialises");
        line.push('\n');
        if run
            .stdin
            .write_all(line.as_bytes())
            .and_then(|_| run.stdin.flush())
            .is_err()
        {
            return Err(self.died());
        }
        match run.lines.recv_timeout(self.spec.limits.timeout) {
            Ok(reply) => serde_json::from_str::<Reply>(&reply).unwrap_or_else(|e| {
                Err(IngestError::Crashed(format!(
                    "unreadable worker reply: {e}"
                )))
            }),
            Err(RecvTimeoutError::Timeout) => {
                RESTARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Some(mut run) = self.running.take() {
                    let _ = run.child.kill();
                    let _ = run.child.wait();
                }
                Err(IngestError::Timeout(self.spec.limits.timeout.as_secs()))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.died()),
        }
    }

    /// Collects the exit of a worker that stopped answering and describes it.
    fn died(&mut self) -> IngestError {
        let Some(mut run) = self.running.take() else {
            return IngestError::Crashed("worker not running".into());
        };
        RESTARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let status = run.child.wait();
        // Give the stderr reader a moment to drain the last words.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let tail = run
            .stderr_tail
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default();
        let last = tail
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string();
        let how = match status {
            #[cfg(unix)]
            Ok(st) if std::os::unix::process::ExitStatusExt::signal(&st).is_some() => {
                let sig = std::os::unix::process::ExitStatusExt::signal(&st).unwrap_or(0);
                let name = match sig {
                    6 => "aborted (stack overflow or out of memory)",
                    9 => "killed",
                    11 => "segmentation fault",
                    _ => "killed by a signal",
                };
                format!("extraction process {name} (signal {sig})")
            }
            Ok(st) => format!("extraction process exited with {st}"),
            Err(e) => format!("extraction process lost: {e}"),
        };
        if last.is_empty() {
            IngestError::Crashed(how)
        } else {
            IngestError::Crashed(format!("{how}: {last}"))
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut run) = self.running.take() {
            drop(run.stdin);
            if run.child.try_wait().ok().flatten().is_none() {
                let _ = run.child.kill();
            }
            let _ = run.child.wait();
        }
    }
}

/// The worker side: reads requests on stdin until it closes, answers each on stdout.
/// Parsing runs on a thread with a large stack, inside `catch_unwind`; panics are silenced.
pub fn serve_requests(limits: Limits) -> std::io::Result<()> {
    std::panic::set_hook(Box::new(|_| {}));
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply: Reply = match serde_json::from_str::<Request>(&line) {
            Ok(req) => run_one(req, limits.clone()),
            Err(e) => Err(IngestError::Crashed(format!("bad request: {e}"))),
        };
        let json = serde_json::to_string(&reply).unwrap_or_else(|e| {
            serde_json::to_string(&Reply::Err(IngestError::Crashed(format!(
                "reply not serialisable: {e}"
            ))))
            .expect("error serialises")
        });
        writeln!(out, "{MARKER}{json}")?;
        out.flush()?;
    }
    Ok(())
}

fn run_one(req: Request, limits: Limits) -> Reply {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let file = SourceFile {
                abs: req.abs,
                rel: req.rel,
                kind: req.kind,
            };
            in_process(&file, &limits)
        });
    match handle.map(|h| h.join()) {
        Ok(Ok(reply)) => reply,
        Ok(Err(panic)) => Err(crashed(&panic)),
        Err(e) => Err(IngestError::Crashed(format!(
            "could not start a parser thread: {e}"
        ))),
    }
}

fn crashed(panic: &Box<dyn std::any::Any + Send>) -> IngestError {
    IngestError::Crashed(format!(
        "parser panicked: {}",
        super::pdf::panic_message(panic)
    ))
}

/// Extracts one file in this process, a panic of its parser caught and reported as the file's
/// error.
fn in_process(file: &SourceFile, limits: &Limits) -> Reply {
    std::panic::catch_unwind(|| super::extract_in_process(file, limits))
        .unwrap_or_else(|p| Err(crashed(&p)))
}

/// The one way `index` and `check` extract files: HTML and PDF in a worker process (started on
/// first use, restarted after a crash), Markdown and text in this process with panics caught.
/// Not shared between threads; each extraction thread has its own.
pub struct Extractor {
    worker: Worker,
    limits: Limits,
}

impl Extractor {
    pub fn new(spec: WorkerSpec) -> Extractor {
        Extractor {
            limits: spec.limits.clone(),
            worker: Worker::new(spec),
        }
    }

    pub fn extract(&mut self, file: &SourceFile) -> Reply {
        if isolated(file.kind) {
            self.worker.extract(file)
        } else {
            in_process(file, &self.limits)
        }
    }
}

/// Whether a file of this kind is parsed in the worker (true) or in-process (false).
pub fn isolated(kind: Kind) -> bool {
    matches!(kind, Kind::Html | Kind::Pdf)
}

/// Convenience for tests and one-off use: extract one file with a fresh worker.
pub fn extract_isolated(spec: &WorkerSpec, abs: &Path, rel: RelPath, kind: Kind) -> Reply {
    let mut w = Worker::new(spec.clone());
    w.extract(&SourceFile {
        abs: abs.to_path_buf(),
        rel,
        kind,
    })
}
