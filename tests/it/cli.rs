//! The command-line contract: JSON shape, exit codes, lenient queries, incremental updates.

use crate::{Sandbox, hit_paths, run, s, stderr, stdout};

#[test]
fn index_reports_skips_and_summary() {
    let sb = Sandbox::new();
    let o = sb.index_run();
    let err = stderr(&o);
    assert!(err.contains("trasig.pdf: skipped:"), "{err}");
    assert!(err.contains("tom.md: skipped: file is empty"), "{err}");
    let summary = err.lines().last().unwrap();
    assert!(
        summary.starts_with(
            "indexed 6 files: 6 added, 0 updated, 0 removed, 0 unchanged, 2 skipped in"
        ),
        "{summary}"
    );
    assert!(stdout(&o).is_empty(), "index prints nothing on stdout");
}

#[test]
fn search_json_contract_snapshot() {
    let sb = Sandbox::new();
    sb.index_run();
    let v = sb.search_json("överenskommelsen");
    insta::assert_json_snapshot!("search_json_overenskommelsen", v, {
        ".took_ms" => "[took_ms]",
        ".hits[].score" => "[score]",
    });
}

#[test]
fn swedish_analysis_finds_forms_and_unaccented_words() {
    let sb = Sandbox::new();
    sb.index_run();
    // inflection: "överprövningen" finds "överprövning"
    assert_eq!(
        hit_paths(&sb.search_json("överprövningen"))[0],
        "gammal-sida.htm"
    );
    // é typed as e
    assert!(
        hit_paths(&sb.search_json("ideburen organisation")).contains(&"iop-grunder.md".to_string())
    );
    // å/ä/ö are letters of their own, but a word typed without them is restored:
    // "Overenskommelsen" → "överenskommelsen"
    let v = sb.search_json("Overenskommelsen");
    assert_eq!(v["suggestion"], "överenskommelsen");
    assert_eq!(hit_paths(&v)[0], "iop-grunder.md");
    // ... but not a stop word: "are" is an English word ("Åre" typed as "Are" stays as typed)
    assert!(sb.search_json("Are")["suggestion"].is_null());
    // a word the index knows is never corrected
    assert!(sb.search_json("överprövning")["suggestion"].is_null());
    // a typo is corrected against the index's own words
    assert_eq!(
        sb.search_json("sysselsätningskrav")["suggestion"],
        "sysselsättningskrav"
    );
    // English over English documents
    assert_eq!(
        hit_paths(&sb.search_json("sheltered workshops"))[0],
        "English-notes.MD"
    );
}

#[test]
fn legal_reference_finds_the_statute_section() {
    let sb = Sandbox::new();
    sb.index_run();
    for q in ["4 kap. 18 § LOU", "4:18 LOU", "4 kap 18 §"] {
        let v = sb.search_json(q);
        assert_eq!(v["hits"][0]["path"], "lagar och råd/lou-utdrag.md", "{q}");
        assert_eq!(
            v["hits"][0]["section"], "4 kap. Allmänna bestämmelser › Reserverad upphandling › 18 §",
            "{q}"
        );
    }
}

#[test]
fn lenient_queries_never_fail() {
    let sb = Sandbox::new();
    sb.index_run();
    let nested = "(".repeat(1500) + "iop" + &")".repeat(1500);
    let long = "upphandling ".repeat(500);
    for q in [
        "\"",
        "(",
        "title:",
        "*",
        "~",
        "-",
        "AND OR NOT",
        "a^1e30",
        "<script>alert(1)</script>",
        &nested,
        &long,
        "",
    ] {
        let o = run(&["search", "--index", s(&sb.index()), "--json", q]);
        assert!(
            o.status.success(),
            "query {:?} failed: {}",
            &q[..q.len().min(20)],
            stderr(&o)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["total"].is_u64());
    }
    // the query words are joined; flags may come after them
    let o = run(&[
        "search",
        "--index",
        s(&sb.index()),
        "reserverad",
        "upphandling",
        "--json",
        "--limit",
        "1",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["query"], "reserverad upphandling");
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn snippets_are_escaped_with_marks_only() {
    let sb = Sandbox::new();
    sb.write("xss.md", b"# <script>alert(1)</script>\n\nText om skadlig kod <img src=x onerror=alert(1)> och upphandlingsskadeavgift.");
    sb.index_run();
    let v = sb.search_json("upphandlingsskadeavgift");
    let snippet = v["hits"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("<mark>upphandlingsskadeavgift</mark>"),
        "{snippet}"
    );
    assert!(
        snippet.contains("&lt;img") && !snippet.contains("<img"),
        "{snippet}"
    );
}

#[test]
fn missing_index_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["search", "--index", s(&dir.path().join("nothing")), "iop"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("vagvisare index"), "{}", stderr(&o));
}

#[test]
fn incremental_reindex_after_edit_add_delete() {
    let sb = Sandbox::new();
    sb.index_run();
    // unchanged run
    let o = sb.index_run();
    assert!(
        stderr(&o).contains("0 added, 0 updated, 0 removed, 6 unchanged"),
        "{}",
        stderr(&o)
    );
    // edit, add, delete
    sb.write(
        "anteckning.txt",
        "Anteckningar, reviderade\n\nNu om kvittningsregler i Ystad.".as_bytes(),
    );
    sb.write(
        "ny/valfrihet.md",
        "# Valfrihetssystem\n\nLOV används för hemtjänst i Ödeshög.".as_bytes(),
    );
    sb.remove("English-notes.MD");
    let o = sb.index_run();
    assert!(
        stderr(&o).contains("1 added, 1 updated, 1 removed, 4 unchanged"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        hit_paths(&sb.search_json("kvittningsregler")),
        vec!["anteckning.txt"]
    );
    assert_eq!(sb.search_json("sysselsättningskrav")["total"], 0);
    assert_eq!(
        hit_paths(&sb.search_json("Ödeshög")),
        vec!["ny/valfrihet.md"]
    );
    assert_eq!(sb.search_json("sheltered")["total"], 0);
    // a rebuild gives the same answers as the incremental state
    let before = sb.search_json("upphandling")["total"].clone();
    let o = sb.index_with(&["--rebuild"]);
    assert!(o.status.success());
    assert_eq!(sb.search_json("upphandling")["total"], before);
}

#[test]
fn outdated_index_is_rebuilt_by_itself() {
    let sb = Sandbox::new();
    sb.index_run();
    let generation = std::fs::read_to_string(sb.index().join("CURRENT")).unwrap();
    // Pretend an older analyzer built it: break the payload in meta.json.
    let meta = sb.index().join(generation.trim()).join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let broken = text.replace("\\\"analyzer\\\":", "\\\"analyzer_old\\\":");
    assert_ne!(text, broken, "payload found in meta.json");
    std::fs::write(&meta, broken).unwrap();
    let o = sb.index_run();
    assert!(stderr(&o).contains("6 added"), "{}", stderr(&o));
    let new_generation = std::fs::read_to_string(sb.index().join("CURRENT")).unwrap();
    assert_ne!(generation, new_generation);
    assert!(sb.search_json("överprövning")["total"].as_u64().unwrap() > 0);
}

/// The word list is part of the index's version: an index built with the built-in list alone
/// is not searched with hunspell's list (it would split compounds differently), and the next
/// `index` run rebuilds it.
#[test]
fn a_different_word_list_means_a_rebuild() {
    let sb = Sandbox::new();
    let o = sb.index_with(&["--words", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let generation = std::fs::read_to_string(sb.index().join("CURRENT")).unwrap();
    // Searched with the pinned (hunspell) list: refused, with what to do.
    let o = run(&["search", "--index", s(&sb.index()), "överprövning"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("another word list"), "{}", stderr(&o));
    // Searched with the list it was built with: fine.
    let o = run(&[
        "--words",
        "none",
        "search",
        "--index",
        s(&sb.index()),
        "överprövning",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Indexed with the pinned list: a new generation, every file added again.
    let o = sb.index_run();
    assert!(stderr(&o).contains("6 added"), "{}", stderr(&o));
    let new_generation = std::fs::read_to_string(sb.index().join("CURRENT")).unwrap();
    assert_ne!(generation, new_generation);
    assert!(sb.search_json("överprövning")["total"].as_u64().unwrap() > 0);
    // Only the indexer wrote the stemmed word list; searching wrote nothing into the index.
    let listing = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing(&sb.index());
    assert!(
        before.contains(&"dictionary.cache".to_string()),
        "{before:?}"
    );
    let cache = std::fs::read(sb.index().join("dictionary.cache")).unwrap();
    sb.search_json("upphandlingsdokument");
    assert_eq!(listing(&sb.index()), before);
    assert_eq!(
        std::fs::read(sb.index().join("dictionary.cache")).unwrap(),
        cache
    );
}

#[test]
fn locked_index_is_a_clear_error() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.index()).unwrap();
    let f = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(sb.index().join(".writer.lock"))
        .unwrap();
    f.lock().unwrap();
    let o = sb.index_with(&[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("locked"), "{}", stderr(&o));
}

#[test]
fn check_reports_bad_front_matter() {
    let sb = Sandbox::new();
    let o = run(&["check", "--corpus", s(&sb.corpus())]);
    assert!(o.status.success(), "{}", stdout(&o));
    sb.write(
        "dålig.md",
        b"---\ntitle: X\ntopics: [gissningar]\nreviewed: 2020-01-01\n---\n# X\n\ntext",
    );
    sb.write("trasig-fm.md", b"---\ntitle: [oavslutad\n---\ntext");
    let o = run(&["check", "--corpus", s(&sb.corpus())]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("dålig.md:1: unknown topic `gissningar`"),
        "{out}"
    );
    assert!(
        out.contains("warning:") && out.contains("more than 12 months ago"),
        "{out}"
    );
    assert!(
        out.contains("trasig-fm.md:1: front matter does not parse"),
        "{out}"
    );
}

#[test]
fn limits_are_reported_per_file() {
    let sb = Sandbox::new();
    sb.write(
        "djup.html",
        format!(
            "<html><body>{}text{}</body></html>",
            "<div>".repeat(3000),
            "</div>".repeat(3000)
        )
        .as_bytes(),
    );
    sb.write(
        "lang.md",
        format!("# Lång\n\n{}", "ord ".repeat(400_000)).as_bytes(),
    );
    let o = sb.index_with(&["--max-text-mb", "1", "--max-file-mb", "1"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("djup.html: skipped: HTML nested too deeply (3002 levels, limit 1000)"),
        "{err}"
    );
    assert!(
        err.contains("lang.md: skipped: file is too large")
            || err.contains("lang.md: note: text cut"),
        "{err}"
    );
    let o = sb.index_with(&["--rebuild", "--max-text-mb", "1"]);
    assert!(
        stderr(&o).contains("lang.md: note: text cut at 1048576 bytes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn symlinks_out_of_the_corpus_are_not_followed() {
    let sb = Sandbox::new();
    let outside = sb.dir.path().join("hemlig.md");
    std::fs::write(&outside, "# Hemlig\n\nLösenordet är zebrakatt.").unwrap();
    std::os::unix::fs::symlink(&outside, sb.corpus().join("lank.md")).unwrap();
    std::os::unix::fs::symlink(sb.dir.path(), sb.corpus().join("mapplank")).unwrap();
    sb.index_run();
    assert_eq!(sb.search_json("zebrakatt")["total"], 0);
}

/// Shell completions and the manual page come from the command definitions themselves.
#[test]
fn completions_and_man_page() {
    let o = crate::run(&["completions", "bash"]);
    assert!(o.status.success());
    let script = crate::stdout(&o);
    for sub in ["index", "search", "serve", "check", "statute"] {
        assert!(script.contains(sub), "completion lacks {sub}");
    }
    let o = crate::run(&["man"]);
    assert!(o.status.success());
    let man = crate::stdout(&o);
    assert!(
        man.contains(".TH vagvisare 1") && man.contains("serve"),
        "{man}"
    );
}

/// The systemd unit in `deploy/` passes `systemd-analyze verify` (with this build as its
/// program) where systemd is installed, and warns about no key it does not know.
#[test]
fn the_systemd_unit_verifies() {
    let Ok(which) = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
    else {
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    };
    assert!(which.status.success());
    let unit = std::fs::read_to_string(crate::repo().join("deploy/vagvisare.service"))
        .unwrap()
        .replace("/usr/local/bin/vagvisare", crate::bin());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vagvisare.service");
    std::fs::write(&path, unit).unwrap();
    let o = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let said = format!("{}{}", crate::stdout(&o), crate::stderr(&o));
    assert!(o.status.success(), "{said}");
    assert!(!said.contains("Unknown"), "{said}");
}
