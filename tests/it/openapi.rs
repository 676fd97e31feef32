//! `/api/openapi.json` against the server it describes, driven through the router without a
//! socket on an index of the shipped corpus.
//!
//! 1. `the_document_is_openapi_3`: it parses as OpenAPI 3.1 (the `oas3` parser, which resolves
//!    every operation's parameters, bodies and responses), names Vägvisare and the crate's
//!    version, every `$ref` points into the document, every schema is a valid JSON Schema
//!    (2020-12), every operation answers 200, and every property of every schema is required.
//! 2. `every_route_is_described`: the routes registered in `src/server/mod.rs` under `/api/`, and
//!    the operators' endpoints, are exactly the document's paths, with the same methods; the
//!    search filters are the engine's facet kinds.
//! 3. `real_answers_match_their_schemas`: search (hits, cards, facets, a filter, an empty query),
//!    suggest, the IOP check for every scenario of `tests/iop/scenarios.toml`, the threshold
//!    guide for every case of `tests/thresholds/cases.toml` in both languages, status, and the
//!    4xx bodies, each validated against its route's schema for that status; an answer may carry
//!    no field its schema does not name. The plain-text endpoints answer in the media type the
//!    document gives them.
//! 4. `the_schemas_catch_drift`: real answers with a field removed, renamed, added or of the
//!    wrong type fail their schemas.

use crate::{run, s};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;
use vagvisare::search::Engine;
use vagvisare::server::{AppState, app};

/// The operators' endpoints the document describes beside the routes under `/api/`.
const OPERATIONS: &[&str] = &["/healthz", "/readyz", "/status", "/metrics"];

/// An index of the shipped corpus (it has the IOP rules and the threshold table), built once.
fn index() -> PathBuf {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let index = dir.path().join("i");
            let o = run(&[
                "index",
                "--corpus",
                s(&crate::repo().join("corpus")),
                "--index",
                s(&index),
            ]);
            assert!(o.status.success(), "{}", crate::stderr(&o));
            (dir, index)
        })
        .1
        .clone()
}

fn state() -> Arc<AppState> {
    AppState::new(Engine::open(&index()).unwrap(), index())
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

async fn call(st: &Arc<AppState>, req: Request<Body>) -> Answer {
    let resp = app(st.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

async fn get(st: &Arc<AppState>, uri: &str) -> Answer {
    call(st, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_json(st: &Arc<AppState>, uri: &str, body: &Value) -> Answer {
    let req = Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    call(st, req).await
}

async fn document(st: &Arc<AppState>) -> Value {
    let a = get(st, "/api/openapi.json").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.content_type.starts_with("application/json"),
        "{}",
        a.content_type
    );
    serde_json::from_slice(&a.body).expect("the document is JSON")
}

fn enc(q: &str) -> String {
    percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A JSON pointer (`#/a/b~1c`) to the value under `parts`.
fn pointer(parts: &[&str]) -> String {
    let mut out = String::from("#");
    for p in parts {
        out.push('/');
        out.push_str(&p.replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// Every `$ref` in `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The document made strict for the tests: every object schema of `components` refuses
/// properties it does not name (`unevaluatedProperties: false`), except those only met inside
/// an `allOf` (a flattened struct), where the schema around them does it.
fn strict(doc: &Value) -> Value {
    let mut doc = doc.clone();
    let mut in_all_of = Vec::new();
    let schemas = doc["components"]["schemas"].as_object().unwrap().clone();
    for schema in schemas.values() {
        if let Some(parts) = schema.get("allOf") {
            refs(parts, &mut in_all_of);
        }
    }
    for (name, schema) in doc["components"]["schemas"].as_object_mut().unwrap() {
        let own = format!("#/components/schemas/{name}");
        let is_object = schema.get("properties").is_some() || schema.get("allOf").is_some();
        if is_object && !in_all_of.contains(&own) {
            schema["unevaluatedProperties"] = json!(false);
        }
    }
    doc
}

/// A validator of the schema at `pointer` of the (strict) document, with the document as its
/// root so that `$ref`s into `components` resolve.
fn validator(doc: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    root["$ref"] = json!(pointer);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema at {pointer}: {e}"))
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The media type key of a response whose bare type (before any `;`) is the answer's.
fn media_type<'a>(content: &'a serde_json::Map<String, Value>, content_type: &str) -> &'a str {
    let bare = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    content
        .keys()
        .find(|k| bare(k) == bare(content_type))
        .unwrap_or_else(|| {
            panic!(
                "the answer's content type {content_type} is not among {:?}",
                content.keys()
            )
        })
}

/// Checks an answer of `method path` against the document: its status is described, its
/// content type is the described one, and a JSON body matches the schema. Returns the body.
fn check(doc: &Value, method: &str, path: &str, a: &Answer) -> Value {
    let status = a.status.as_u16().to_string();
    let response = &doc["paths"][path][method]["responses"][&status];
    let content = response["content"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} {status} is not described"));
    let key = media_type(content, &a.content_type);
    if !key.starts_with("application/json") {
        return Value::String(String::from_utf8(a.body.clone()).unwrap());
    }
    let body: Value = serde_json::from_slice(&a.body).unwrap();
    let v = validator(
        doc,
        &pointer(&[
            "paths",
            path,
            method,
            "responses",
            &status,
            "content",
            key,
            "schema",
        ]),
    );
    let errs = errors(&v, &body);
    assert!(
        errs.is_empty(),
        "{method} {path} {status}: {errs:#?}\n{body:#}"
    );
    body
}

/// `(path, methods)` of every `.route(...)` in the router's source, in order.
fn router_routes() -> Vec<(String, BTreeSet<String>)> {
    let src = std::fs::read_to_string(crate::repo().join("src/server/mod.rs")).unwrap();
    let path = regex::Regex::new(r#"^\s*"([^"]+)""#).unwrap();
    let method = regex::Regex::new(r"\b(get|post|put|patch|delete)\(").unwrap();
    src.split(".route(")
        .skip(1)
        .map(|chunk| {
            let chunk = chunk.split(".fallback(").next().unwrap();
            let p = path
                .captures(chunk)
                .unwrap_or_else(|| panic!("a route without a literal path: {chunk}"))[1]
                .to_string();
            let methods = method
                .captures_iter(chunk)
                .map(|c| c[1].to_string())
                .collect();
            (p, methods)
        })
        .collect()
}

#[tokio::test]
async fn the_document_is_openapi_3() {
    let st = state();
    let doc = document(&st).await;
    let text = serde_json::to_string(&doc).unwrap();
    let spec = oas3::from_json(&text).expect("the document parses as OpenAPI 3.1");
    let version = spec
        .validate_version()
        .expect("a supported OpenAPI version");
    assert_eq!((version.major, version.minor), (3, 1));
    assert_eq!(spec.info.title, "Vägvisare");
    assert_eq!(spec.info.version, env!("CARGO_PKG_VERSION"));
    let description = spec.info.description.as_deref().unwrap_or_default();
    assert!(
        description.contains("upphandling") && description.contains("procurement"),
        "{description}"
    );

    // Everything an operation refers to resolves (the parser's own resolution).
    let mut operations = 0;
    for (path, method, op) in spec.operations() {
        operations += 1;
        op.parameters(&spec)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        op.request_body(&spec)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let responses = op.responses(&spec);
        assert!(
            responses.contains_key("200"),
            "{method} {path} has no 200 answer"
        );
        for (status, response) in &responses {
            for (media, content) in &response.content {
                let schema = content
                    .schema(&spec)
                    .unwrap_or_else(|e| panic!("{method} {path} {status} {media}: {e}"));
                assert!(
                    schema.is_some(),
                    "{method} {path} {status} {media}: no schema"
                );
            }
        }
    }
    assert_eq!(operations, doc["paths"].as_object().unwrap().len());

    // Every `$ref` points at something in the document.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let target = r
            .strip_prefix('#')
            .and_then(|p| doc.pointer(p))
            .unwrap_or_else(|| panic!("{r} points nowhere"));
        assert!(target.is_object(), "{r}");
    }

    // Every schema is a JSON Schema, and every property a response has is listed as required
    // (utoipa leaves out `Option` fields unless told: they are always sent, as `null`).
    let mut schemas = 0;
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        schemas += 1;
        let mut standalone = schema.clone();
        standalone["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        let mut no_refs = Vec::new();
        refs(&standalone, &mut no_refs);
        if no_refs.is_empty() {
            jsonschema::meta::validate(&standalone)
                .unwrap_or_else(|e| panic!("{name} is not a JSON Schema: {e}"));
        }
        let mut objects = vec![schema];
        if let Some(parts) = schema["allOf"].as_array() {
            objects.extend(parts);
        }
        for object in objects {
            let Some(properties) = object["properties"].as_object() else {
                continue;
            };
            let required: BTreeSet<&str> = object["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for p in properties.keys() {
                assert!(required.contains(p.as_str()), "{name}.{p} is not required");
            }
        }
    }
    assert!(schemas >= 20, "{schemas} schemas");
    // Every schema compiles inside the document (references included).
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        validator(&doc, &pointer(&["components", "schemas", name]));
    }
}

#[tokio::test]
async fn every_route_is_described() {
    let st = state();
    let doc = document(&st).await;
    let routes = router_routes();
    assert!(routes.len() >= 20, "{routes:?}");
    let described: BTreeMap<String, BTreeSet<String>> = routes
        .into_iter()
        .filter(|(p, _)| p.starts_with("/api/") || OPERATIONS.contains(&p.as_str()))
        .collect();
    for p in [
        "/api/search",
        "/api/suggest",
        "/api/iop",
        "/api/troskelvarden",
        "/api/openapi.json",
    ]
    .iter()
    .chain(OPERATIONS)
    {
        assert!(described.contains_key(*p), "{p} is not routed");
    }
    let documented: BTreeMap<String, BTreeSet<String>> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, item)| {
            (
                p.clone(),
                item.as_object().unwrap().keys().cloned().collect(),
            )
        })
        .collect();
    assert_eq!(
        described, documented,
        "the router's /api/ and operators' routes (left) and the document's paths (right) differ"
    );

    // The search filters are the engine's facet kinds.
    let params: BTreeSet<&str> = doc["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = ["q", "limit"]
        .into_iter()
        .chain(vagvisare::search::FACET_KINDS.iter().copied())
        .collect();
    assert_eq!(params, expected);
}

#[derive(serde::Deserialize)]
struct Scenarios {
    scenario: Vec<Scenario>,
}

#[derive(serde::Deserialize)]
struct Scenario {
    answers: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    value: u64,
    kind: String,
    buyer: String,
    date: String,
}

fn toml_file<T: serde::de::DeserializeOwned>(rel: &str) -> T {
    toml::from_str(&std::fs::read_to_string(crate::repo().join(rel)).unwrap()).unwrap()
}

#[tokio::test]
async fn real_answers_match_their_schemas() {
    let st = state();
    let raw = document(&st).await;
    check(
        &raw,
        "get",
        "/api/openapi.json",
        &get(&st, "/api/openapi.json").await,
    );
    let doc = strict(&raw);

    // Search: hits, cards, facets, a filter, no query, and the 400 of a bad limit.
    let (mut hits, mut cards, mut facets) = (0, 0, 0);
    for uri in [
        format!("/api/search?q={}", enc("reserverade kontrakt")),
        format!(
            "/api/search?q={}&limit=50",
            enc("idéburet offentligt partnerskap")
        ),
        format!("/api/search?q={}&topic=iop", enc("ersättning")),
        format!("/api/search?q={}", enc("4 kap. 18 § LOU")),
        format!("/api/search?q={}", enc("upphandlng tröskelvarde")),
        "/api/search".to_string(),
        "/api/search?q=".to_string(),
    ] {
        let a = get(&st, &uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        let v = check(&doc, "get", "/api/search", &a);
        hits += v["hits"].as_array().unwrap().len();
        cards += v["cards"].as_array().unwrap().len();
        facets += v["facets"].as_object().unwrap().len();
    }
    assert!(
        hits > 0 && cards > 0 && facets > 0,
        "{hits} {cards} {facets}"
    );
    for bad in ["abc", "0", "-1"] {
        let a = get(&st, &format!("/api/search?q=iop&limit={bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        check(&doc, "get", "/api/search", &a);
    }

    // Suggestions, some and none.
    let a = get(
        &st,
        &format!("/api/suggest?q={}", enc("reserverade kontrakt")),
    )
    .await;
    let v = check(&doc, "get", "/api/suggest", &a);
    assert!(!v["suggestions"].as_array().unwrap().is_empty(), "{v}");
    check(
        &doc,
        "get",
        "/api/suggest",
        &get(&st, "/api/suggest?q=a").await,
    );

    // The IOP check: every scenario (sent as documented), the bare map, no answers, and a 400.
    let request = validator(&doc, "#/components/schemas/IopRequest");
    let scenarios: Scenarios = toml_file("tests/iop/scenarios.toml");
    assert!(scenarios.scenario.len() >= 17);
    let (mut routes, mut decided, mut undecided) = (0, 0, 0);
    let mut bodies: Vec<Value> = scenarios
        .scenario
        .iter()
        .map(|sc| json!({ "answers": sc.answers }))
        .collect();
    bodies.push(json!({ "answers": {} }));
    for body in &bodies {
        let errs = errors(&request, body);
        assert!(errs.is_empty(), "{errs:?}");
        let a = post_json(&st, "/api/iop", body).await;
        assert_eq!(a.status, StatusCode::OK, "{body}");
        let v = check(&doc, "post", "/api/iop", &a);
        routes += v["routes"].as_array().unwrap().len();
        if v["deciding"].is_null() {
            undecided += 1;
        } else {
            decided += 1;
        }
    }
    assert!(routes > 0 && decided > 0 && undecided > 0);
    let bare = post_json(&st, "/api/iop", &bodies[0]["answers"]).await;
    assert_eq!(bare.status, StatusCode::OK);
    check(&doc, "post", "/api/iop", &bare);
    let broken = Request::post("/api/iop")
        .header("content-type", "application/json")
        .body(Body::from("[1,2"))
        .unwrap();
    let a = call(&st, broken).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    check(&doc, "post", "/api/iop", &a);
    let a = post_json(&st, "/api/iop", &json!({ "answers": { "ideburen": 1 } })).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    check(&doc, "post", "/api/iop", &a);

    // The threshold guide: every case, in Swedish and English, and a value it cannot read.
    let cases: Cases = toml_file("tests/thresholds/cases.toml");
    assert!(cases.case.len() >= 40);
    let mut regimes = BTreeSet::new();
    let mut ranges = 0;
    for c in &cases.case {
        for lang in ["sv", "en"] {
            let uri = format!(
                "/api/troskelvarden?value={}&kind={}&buyer={}&datum={}&sprak={lang}",
                c.value, c.kind, c.buyer, c.date
            );
            let a = get(&st, &uri).await;
            assert_eq!(a.status, StatusCode::OK, "{uri}");
            let v = check(&doc, "get", "/api/troskelvarden", &a);
            regimes.insert(v["regime"].as_str().unwrap().to_string());
            ranges += v["figures"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["sek"].is_null() && !f["sek_low"].is_null())
                .count();
        }
    }
    assert!(regimes.len() >= 4 && ranges > 0, "{regimes:?} {ranges}");
    let a = get(&st, "/api/troskelvarden?value=650+000").await;
    assert_eq!(a.status, StatusCode::OK);
    check(&doc, "get", "/api/troskelvarden", &a);
    let a = get(&st, "/api/troskelvarden?value=mycket&kind=varor").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    check(&doc, "get", "/api/troskelvarden", &a);

    // The operators' endpoints.
    let v = check(&doc, "get", "/status", &get(&st, "/status").await);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    for path in ["/healthz", "/readyz", "/metrics"] {
        let a = get(&st, path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        check(&doc, "get", path, &a);
    }
}

#[tokio::test]
async fn the_schemas_catch_drift() {
    let st = state();
    let doc = strict(&document(&st).await);
    let fails = |path: &str, method: &str, v: &Value| {
        let p = pointer(&[
            "paths",
            path,
            method,
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
        ]);
        !validator(&doc, &p).is_valid(v)
    };
    let search: Value = serde_json::from_slice(
        &get(
            &st,
            &format!("/api/search?q={}", enc("reserverade kontrakt")),
        )
        .await
        .body,
    )
    .unwrap();
    assert!(!fails("/api/search", "get", &search));
    let mut changes: Vec<(&str, Value)> = Vec::new();
    let mut v = search.clone();
    v.as_object_mut().unwrap().remove("total");
    changes.push(("total removed", v));
    let mut v = search.clone();
    let cards = v.as_object_mut().unwrap().remove("cards").unwrap();
    v["answer_cards"] = cards;
    changes.push(("cards renamed", v));
    let mut v = search.clone();
    v["hits"][0]["section"] = json!(5);
    changes.push(("section a number", v));
    let mut v = search.clone();
    v["hits"][0].as_object_mut().unwrap().remove("snippet");
    changes.push(("snippet removed", v));
    let mut v = search.clone();
    v["suggestion"] = json!(["a"]);
    changes.push(("suggestion a list", v));
    let mut v = search.clone();
    v["extra"] = json!(1);
    changes.push(("an undocumented field", v));
    for (what, v) in &changes {
        assert!(fails("/api/search", "get", v), "{what} passed the schema");
    }

    let verdict: Value = serde_json::from_slice(
        &post_json(
            &st,
            "/api/iop",
            &json!({"answers": {"ideburen": "ja", "forpliktelser": "ja", "ersattning": "per-styck", "marknad": "andra-finns"}}),
        )
        .await
        .body,
    )
    .unwrap();
    assert!(!fails("/api/iop", "post", &verdict));
    let mut v = verdict.clone();
    v.as_object_mut().unwrap().remove("certainty");
    assert!(fails("/api/iop", "post", &v), "certainty removed");
    let mut v = verdict.clone();
    v["path"][0]["status"] = json!("kanske");
    assert!(fails("/api/iop", "post", &v), "an unknown step status");

    let guide: Value = serde_json::from_slice(
        &get(
            &st,
            "/api/troskelvarden?value=3000000&kind=varor&buyer=kommun&datum=2025-05-01",
        )
        .await
        .body,
    )
    .unwrap();
    assert!(!fails("/api/troskelvarden", "get", &guide));
    for field in ["date", "regime"] {
        let mut v = guide.clone();
        v.as_object_mut().unwrap().remove(field);
        assert!(fails("/api/troskelvarden", "get", &v), "{field} removed");
    }
    let mut v = guide.clone();
    v["surprise"] = json!(true);
    assert!(
        fails("/api/troskelvarden", "get", &v),
        "an undocumented field"
    );

    let status: Value = serde_json::from_slice(&get(&st, "/status").await.body).unwrap();
    let mut v = status.clone();
    v.as_object_mut().unwrap().remove("last_commit_unix");
    assert!(fails("/status", "get", &v), "last_commit_unix removed");
}
