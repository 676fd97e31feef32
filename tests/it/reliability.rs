//! Reliability: the running server under slow clients, big bodies and shutdown; re-indexing
//! while it serves (no failed request, new content within seconds); `index` killed with SIGKILL
//! at random moments; `serve` started on a missing, corrupt or locked index.

use crate::{Sandbox, bin, run, s, stderr};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `vagvisare serve` process on a free loopback port, killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(corpus: &std::path::Path, index: &std::path::Path, extra: &[&str]) -> Server {
        let mut child = Command::new(bin())
            .env("VAGVISARE_DICTIONARY", crate::pin_word_list())
            .args([
                "serve",
                "--corpus",
                s(corpus),
                "--index",
                s(index),
                "--addr",
                "127.0.0.1:0",
            ])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start serve");
        let mut reader = BufReader::new(child.stderr.take().unwrap());
        let mut port = None;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(rest) = line.trim().strip_prefix("Vägvisare: http://127.0.0.1:") {
                port = rest.parse().ok();
                break;
            }
        }
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        Server {
            child,
            port: port.expect("serve printed its address"),
        }
    }

    /// One GET with `Connection: close`; returns (status, body).
    pub fn get(&self, path: &str) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )?;
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf)?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    }

    pub fn terminate(mut self) -> std::process::ExitStatus {
        unsafe_sigterm(self.child.id());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn unsafe_sigterm(pid: u32) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn total(body: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(body)
        .map(|v| v["total"].as_u64().unwrap_or(0))
        .unwrap_or(0)
}

#[test]
fn slow_clients_are_cut_off_and_others_served() {
    let sb = Sandbox::new();
    let server = Server::start(&sb.corpus(), &sb.index(), &[]);
    // 100 connections that send an unfinished request head and then dribble.
    let mut slow: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            c.write_all(b"GET /api/search?q=iop HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap();
            c
        })
        .collect();
    let started = Instant::now();
    let (status, _) = server.get("/api/search?q=iop").unwrap();
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a fresh request is served during the attack"
    );
    std::thread::sleep(Duration::from_secs(7));
    let mut closed = 0;
    for c in &mut slow {
        c.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let _ = c.write_all(b"X-a: b\r\n");
        let mut buf = [0u8; 512];
        if matches!(c.read(&mut buf), Ok(0) | Ok(_) | Err(_)) {
            // read returned: either EOF (closed) or an error response (408) — both mean the
            // server let go of the connection; a timeout (WouldBlock) means it is still held.
            if !matches!(c.read(&mut buf), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock)
            {
                closed += 1;
            }
        }
    }
    assert!(
        closed >= 95,
        "only {closed} of 100 slow connections were closed after the header timeout"
    );
}

/// A keep-alive connection reused after longer than the header timeout is still served (a
/// proxy's pooled upstream connection must not race its close); the idle timeout itself is
/// tested in `server::conn`.
#[test]
fn keep_alive_outlives_the_header_timeout() {
    let sb = Sandbox::new();
    let server = Server::start(&sb.corpus(), &sb.index(), &[]);
    let mut c = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let ask = |c: &mut TcpStream| -> String {
        write!(c, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut buf = [0u8; 4096];
        let n = c.read(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    assert!(ask(&mut c).starts_with("HTTP/1.1 200"));
    std::thread::sleep(Duration::from_secs(7));
    let again = ask(&mut c);
    assert!(
        again.starts_with("HTTP/1.1 200"),
        "the idle connection was closed after 7 s: {again:?}"
    );
}

#[test]
fn big_bodies_are_refused_and_sigterm_stops_cleanly() {
    let sb = Sandbox::new();
    let server = Server::start(&sb.corpus(), &sb.index(), &[]);
    let mut c = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let body = vec![b'x'; 200 * 1024];
    write!(c, "POST /api/iop HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    let _ = c.write_all(&body);
    let mut resp = String::new();
    let _ = c.read_to_string(&mut resp);
    assert!(
        resp.starts_with("HTTP/1.1 413"),
        "{}",
        &resp[..resp.len().min(200)]
    );
    let (status, body) = server.get("/status").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("\"generation\""), "{body}");
    let (status, _) = server.get("/readyz").unwrap();
    assert_eq!(status, 200);
    let st = server.terminate();
    assert!(st.success(), "{st:?}");
}

/// Queries keep succeeding while the corpus is re-indexed (incrementally and as a new generation),
/// and the new content is served within a few seconds.
#[test]
fn reindexing_while_serving_fails_no_request() {
    let sb = Sandbox::new();
    let server = std::sync::Arc::new(Server::start(&sb.corpus(), &sb.index(), &[]));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut loaders = Vec::new();
    for _ in 0..4 {
        let (server, stop) = (server.clone(), stop.clone());
        loaders.push(std::thread::spawn(move || {
            let (mut ok, mut failed) = (0, 0);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match server.get("/api/search?q=%C3%B6verpr%C3%B6vning&limit=5") {
                    Ok((200, body)) if total(&body) > 0 => ok += 1,
                    _ => failed += 1,
                }
            }
            (ok, failed)
        }));
    }
    sb.write(
        "nytt/flodbat.md",
        "# Flodbåtar\n\nKommunen upphandlar flodbåtsturer.".as_bytes(),
    );
    sb.index_run();
    let seen = wait_for(&server, "/api/search?q=flodb%C3%A5tsturer");
    let o = sb.index_with(&["--rebuild"]);
    assert!(o.status.success(), "{}", stderr(&o));
    sb.write(
        "nytt/kanot.md",
        "# Kanoter\n\nKommunen hyr kanotpaddlar.".as_bytes(),
    );
    sb.index_run();
    let seen2 = wait_for(&server, "/api/search?q=kanotpaddlar");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut ok, mut failed) = (0, 0);
    for l in loaders {
        let (o, f) = l.join().unwrap();
        ok += o;
        failed += f;
    }
    eprintln!(
        "zero-downtime: {ok} requests ok, {failed} failed; new content after {seen:?} and {seen2:?}"
    );
    assert_eq!(failed, 0);
    assert!(ok > 50);
}

fn wait_for(server: &Server, path: &str) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok((200, body)) = server.get(path)
            && total(&body) > 0
        {
            return started.elapsed();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{path} not served within 10 s");
}

#[test]
fn serve_on_missing_corrupt_or_locked_index() {
    // Missing corpus and index: a clear error, no server.
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "serve",
        "--corpus",
        s(&dir.path().join("nope")),
        "--index",
        s(&dir.path().join("i")),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    // Corrupt index: rebuilt before serving.
    let sb = Sandbox::new();
    sb.index_run();
    let generation = std::fs::read_to_string(sb.index().join("CURRENT")).unwrap();
    std::fs::write(
        sb.index().join(generation.trim()).join("meta.json"),
        b"{ not json",
    )
    .unwrap();
    let server = Server::start(&sb.corpus(), &sb.index(), &[]);
    let (status, body) = server.get("/api/search?q=%C3%B6verpr%C3%B6vning").unwrap();
    assert_eq!(status, 200);
    assert!(total(&body) > 0);
    drop(server);
    // Locked by another writer, with a usable index: serves the current index.
    sb.write("ny.md", "# Ny\n\nText om sjösättning.".as_bytes());
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(sb.index().join(".writer.lock"))
        .unwrap();
    lock.lock().unwrap();
    let server = Server::start(&sb.corpus(), &sb.index(), &[]);
    let (status, _) = server.get("/api/search?q=iop").unwrap();
    assert_eq!(status, 200);
}

#[test]
fn watch_picks_up_a_dropped_file() {
    let sb = Sandbox::new();
    let server = Server::start(&sb.corpus(), &sb.index(), &["--watch"]);
    sb.write(
        "inlagd.md",
        "# Inlagd\n\nEtt dokument om vattenskoterregler.".as_bytes(),
    );
    let t = wait_for(&server, "/api/search?q=vattenskoterregler");
    eprintln!("watch: new file searchable after {t:?}");
}

/// `vagvisare index` killed with SIGKILL at random moments: the index always opens and answers,
/// and the next complete run equals a clean build.
#[test]
fn index_survives_sigkill() {
    let sb = Sandbox::new();
    // A corpus that takes a few seconds to index.
    for i in 0..1500 {
        let body = format!(
            "# Dokument {i}\n\n## Upphandling {i}\n\nKommunen {i} upphandlar tjänster och följer upp sysselsättningskrav. {}\n\n## Avtal\n\nAvtalet löper i {} år.",
            "Text om idéburna organisationer och reserverade kontrakt. ".repeat(20),
            i % 5 + 1
        );
        sb.write(&format!("massa/d{i:04}.md"), body.as_bytes());
    }
    sb.index_run();
    // How long a run with a third of the files changed takes here, so kills land inside runs
    // whether the machine is fast or busy.
    for i in (0..1500).step_by(3) {
        sb.write(
            &format!("massa/d{i:04}.md"),
            format!("# Dokument {i} mätning\n\nMätning: avtal.").as_bytes(),
        );
    }
    let started = Instant::now();
    sb.index_run();
    let run_ms = (started.elapsed().as_millis() as u64).max(50);
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut kills = 0;
    let mut budget_ms = run_ms;
    let mut round = 0;
    while kills < 20 && round < 80 {
        round += 1;
        // Change a third of the files so each run has real work, sometimes as a full rebuild.
        for i in (round % 3..1500).step_by(3) {
            sb.write(
                &format!("massa/d{i:04}.md"),
                format!("# Dokument {i} v{round}\n\nOmgång {round}: överprövning och avtal.")
                    .as_bytes(),
            );
        }
        let mut cmd = Command::new(bin());
        cmd.env("VAGVISARE_DICTIONARY", crate::pin_word_list());
        cmd.args([
            "index",
            "--corpus",
            s(&sb.corpus()),
            "--index",
            s(&sb.index()),
        ]);
        if round % 4 == 3 {
            cmd.arg("--rebuild");
        }
        let mut child = cmd.stderr(Stdio::null()).spawn().unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        // A random moment between 5 % and 90 % of a typical run (rebuilds take longer still).
        std::thread::sleep(Duration::from_millis(
            budget_ms / 20 + rng % (budget_ms * 85 / 100).max(1),
        ));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        } else {
            // The run was quicker than expected: aim earlier next time.
            budget_ms = (budget_ms * 2 / 3).max(20);
        }
        let _ = child.wait();
        let o = run(&["search", "--index", s(&sb.index()), "--json", "avtal"]);
        assert!(
            o.status.success(),
            "round {round}: index does not open: {}",
            stderr(&o)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(
            v["total"].as_u64().unwrap() > 0,
            "round {round}: no answers"
        );
    }
    sb.index_run();
    let clean = tempfile::tempdir().unwrap();
    let o = run(&[
        "index",
        "--corpus",
        s(&sb.corpus()),
        "--index",
        s(&clean.path().join("i")),
    ]);
    assert!(o.status.success());
    // Same content: the same number of sections and the same matches for every query (scores and
    // the order of ties may differ, since deleted documents still count in statistics until merged).
    let a = vagvisare::search::Engine::open(&sb.index()).unwrap();
    let b = vagvisare::search::Engine::open(&clean.path().join("i")).unwrap();
    assert_eq!(a.num_sections(), b.num_sections());
    for q in [
        "avtal",
        "överprövning",
        "sysselsättningskrav",
        "Omgång 19",
        "idéburna organisationer",
    ] {
        let ta = a
            .search(&vagvisare::search::SearchRequest::new(q, 10))
            .total;
        let tb = b
            .search(&vagvisare::search::SearchRequest::new(q, 10))
            .total;
        assert_eq!(ta, tb, "{q}");
    }
    eprintln!(
        "crash safety: {kills} runs killed mid-way (of {round}); index usable every time; final state equals a clean build"
    );
    assert!(
        kills >= 20,
        "only {kills} of {round} runs were still running when killed"
    );
}

/// Facet counts (counted through the engine's section → document tables) equal a count made
/// here from tantivy's own readers: every matching section counts the facets its document's
/// lead section holds. Also after an update leaves deleted sections of the old version, with
/// other facets, in a segment; and a filter keeps exactly the sections counted for it.
#[test]
fn facet_counts_equal_tantivys() {
    use std::collections::BTreeMap;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::Value;
    let sandbox = Sandbox::new();
    sandbox.index_run();
    let page = std::fs::read_to_string(sandbox.corpus().join("iop-grunder.md")).unwrap();
    sandbox.write(
        "iop-grunder.md",
        page.replace("topics: [iop]", "topics: [iop, upphandling]")
            .replace("audience: [organisation]", "audience: [procurer]")
            .as_bytes(),
    );
    for round in 0..2 {
        let opened = vagvisare::index::store::open_current(
            &sandbox.index(),
            vagvisare::index::store::Access::Search,
        )
        .unwrap();
        let engine = vagvisare::search::Engine::open(&sandbox.index()).unwrap();
        // Built with the project's settings (small stored blocks: see `schema::settings`).
        let searcher = opened.index.reader().unwrap().searcher();
        let settings = searcher.index().settings().clone();
        assert_eq!(
            settings.docstore_blocksize,
            vagvisare::index::schema::settings().docstore_blocksize
        );
        let f = &opened.fields;
        let path_of = |addr: tantivy::DocAddress| -> String {
            let doc: tantivy::TantivyDocument = searcher.doc(addr).unwrap();
            doc.get_first(f.path).unwrap().as_str().unwrap().to_string()
        };
        // Each live document's facets, from the sections that hold them (its lead).
        let mut facets_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let reader = segment.facet_reader("facets").unwrap();
            for doc in segment.doc_ids_alive() {
                let mut facets = Vec::new();
                for o in reader.facet_ords(doc) {
                    let mut facet = tantivy::schema::Facet::root();
                    reader.facet_from_ord(o, &mut facet).unwrap();
                    facets.push(facet.to_string());
                }
                if !facets.is_empty() {
                    let path = path_of(tantivy::DocAddress::new(ord as u32, doc));
                    assert!(
                        facets_of.insert(path.clone(), facets).is_none(),
                        "{path}: facets on more than one live section"
                    );
                }
            }
        }
        for q in [
            "IOP",
            "överenskommelse",
            "upphandling äldreomsorg",
            "4 kap. 18 § LOU",
        ] {
            let response = engine.search(&vagvisare::search::SearchRequest::new(q, 10));
            let ours: BTreeMap<String, u64> = response
                .facets
                .iter()
                .flat_map(|(kind, values)| {
                    values
                        .iter()
                        .map(move |v| (format!("/{kind}/{}", v.value), v.count))
                })
                .collect();
            let query = BooleanQuery::new(vec![
                (Occur::Must, engine.build_query(q).unwrap()),
                (
                    Occur::MustNot,
                    Box::new(TermQuery::new(
                        tantivy::Term::from_field_text(f.kind, "card"),
                        tantivy::schema::IndexRecordOption::Basic,
                    )),
                ),
            ]);
            let mut theirs: BTreeMap<String, u64> = BTreeMap::new();
            for addr in searcher.search(&query, &DocSetCollector).unwrap() {
                for facet in &facets_of[&path_of(addr)] {
                    *theirs.entry(facet.clone()).or_insert(0) += 1;
                }
            }
            assert!(!theirs.is_empty(), "{q}: nothing counted");
            assert_eq!(ours, theirs, "{q} (round {round})");
            // Filtering by a facet keeps the sections counted for it.
            for (facet, count) in &theirs {
                let (kind, value) = facet[1..].split_once('/').unwrap();
                let mut filtered = vagvisare::search::SearchRequest::new(q, 10);
                filtered.filters = vec![(kind.to_string(), value.to_string())];
                assert_eq!(engine.search(&filtered).total, *count, "{q} {facet}");
            }
        }
        sandbox.index_run();
    }
}

/// The staleness check (what `serve` runs before it answers) notices a changed, added, removed
/// or renamed file, and nothing else: it compares every file's size and modification time with
/// the digest the last index run recorded.
#[test]
fn staleness_check_sees_every_kind_of_change() {
    use vagvisare::indexer::is_stale;
    let sb = Sandbox::new();
    assert!(is_stale(&sb.corpus(), &sb.index()), "no index yet");
    sb.index_run();
    assert!(!is_stale(&sb.corpus(), &sb.index()), "just indexed");
    let page = std::fs::read(sb.corpus().join("iop-grunder.md")).unwrap();
    for what in ["edited", "added", "removed", "renamed"] {
        match what {
            "edited" => sb.write("iop-grunder.md", &[page.as_slice(), b"\nMer."].concat()),
            "added" => sb.write("ny/anteckning.md", b"# Ny\n\nText."),
            "removed" => sb.remove("ny/anteckning.md"),
            _ => std::fs::rename(
                sb.corpus().join("iop-grunder.md"),
                sb.corpus().join("iop-grunderna.md"),
            )
            .unwrap(),
        }
        assert!(is_stale(&sb.corpus(), &sb.index()), "{what}");
        sb.index_run();
        assert!(!is_stale(&sb.corpus(), &sb.index()), "{what}, then indexed");
    }
    // Hidden files and files no reader knows are not part of the corpus.
    sb.write(".utkast.md", b"# Dold");
    sb.write("bild.png", b"\x89PNG");
    assert!(!is_stale(&sb.corpus(), &sb.index()), "ignored files");
}

/// A search reads stored sections with `pread` (`store::SearchDirectory`): the same sections
/// as through tantivy's memory-mapped directory, and the `.store` files are never mapped, so
/// the blocks a result page touches do not stay in `serve`'s resident memory.
#[test]
fn searches_read_the_document_store_without_mapping_it() {
    use tantivy::TantivyDocument;
    use tantivy::schema::document::Document;
    use vagvisare::index::store::{Access, open_current};
    let sandbox = Sandbox::new();
    sandbox.index_run();
    let engine = vagvisare::search::Engine::open(&sandbox.index()).unwrap();
    let response = engine.search(&vagvisare::search::SearchRequest::new("upphandling", 10));
    assert!(!response.hits.is_empty(), "the sandbox corpus has hits");
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let root = sandbox.index().canonicalize().unwrap();
    let mapped_stores: Vec<&str> = maps
        .lines()
        .filter(|l| l.contains(s(&root)) && l.ends_with(".store"))
        .collect();
    assert!(
        mapped_stores.is_empty(),
        "store files mapped: {mapped_stores:?}"
    );

    let all = |access| {
        let opened = open_current(&sandbox.index(), access).unwrap();
        let searcher = opened.index.reader().unwrap().searcher();
        let schema = opened.index.schema();
        let mut docs = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for id in 0..segment.max_doc() {
                let doc: TantivyDocument = searcher
                    .doc(tantivy::DocAddress::new(ord as u32, id))
                    .unwrap();
                docs.push(doc.to_json(&schema));
            }
        }
        docs
    };
    let read = all(Access::Search);
    assert!(read.len() > 10);
    assert_eq!(read, all(Access::Write));
}
