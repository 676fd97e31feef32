//! "Hjälpte svaret? Ja / Nej" under each answer card: a plain form posted to
//! `/kort/<id>/rost`, which counts the vote in the analytics and sends the browser back to the
//! page it came from, now thanking instead of asking. Every rendered form carries a one-time
//! ballot (a counter signed with a key of this process), so one page view votes once per card;
//! nothing about the voter is kept.

use super::Shared;
use crate::analytics::Event;
use crate::urls;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Ballots remembered as used; older ones fall out (a page view that old votes again).
const REMEMBERED: usize = 50_000;

/// Issues and checks the one-time ids of vote forms.
pub struct Ballots {
    key: [u8; 32],
    issued: AtomicU64,
    used: Mutex<LruCache<u64, ()>>,
}

impl Default for Ballots {
    fn default() -> Self {
        use std::hash::{BuildHasher, RandomState};
        // A key of this process from the standard library's random hasher seeds.
        let mut key = [0u8; 32];
        for (i, chunk) in key.chunks_mut(8).enumerate() {
            chunk.copy_from_slice(&RandomState::new().hash_one(i).to_le_bytes());
        }
        Ballots {
            key,
            issued: AtomicU64::new(0),
            used: Mutex::new(LruCache::new(NonZeroUsize::new(REMEMBERED).expect("not 0"))),
        }
    }
}

impl Ballots {
    fn sign(&self, n: u64) -> String {
        let mac = blake3::keyed_hash(&self.key, &n.to_le_bytes());
        mac.to_hex()[..16].to_string()
    }

    /// A new ballot for one form.
    pub fn issue(&self) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        format!("{n:x}-{}", self.sign(n))
    }

    /// True the first time a ballot this process issued is used.
    pub fn redeem(&self, ballot: &str) -> bool {
        let Some((n, mac)) = ballot.split_once('-') else {
            return false;
        };
        let Ok(n) = u64::from_str_radix(n, 16) else {
            return false;
        };
        // Compared as hashes, so the comparison takes the same time whatever the input.
        if blake3::hash(mac.as_bytes()) != blake3::hash(self.sign(n).as_bytes()) {
            return false;
        }
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.put(n, ()).is_none()
    }
}

#[derive(serde::Deserialize)]
pub struct VoteForm {
    /// `ja` or `nej`.
    svar: String,
    ballot: String,
    /// The page to go back to (a path on this site).
    #[serde(default)]
    tillbaka: String,
}

/// Counts a vote and returns to the page with `rostat=<card>` so it thanks instead of asking.
pub async fn vote(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Form(form): Form<VoteForm>,
) -> Response {
    let helpful = match form.svar.as_str() {
        "ja" => true,
        "nej" => false,
        _ => return (StatusCode::BAD_REQUEST, "svar must be ja or nej\n").into_response(),
    };
    let known = state.engine.load().curated().card(&id).is_some();
    if !known {
        return (StatusCode::NOT_FOUND, "no such answer card\n").into_response();
    }
    if state.votes.redeem(&form.ballot) {
        state.analytics.record(Event::Vote {
            card: id.clone(),
            helpful,
        });
    }
    let back = local_path(&form.tillbaka).unwrap_or_else(|| urls::card(&id));
    let mut resp = Redirect::to(&urls::after_vote(&back, &id)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
    resp
}

/// A path on this site (`/…`, never `//host` or a scheme), without its fragment.
fn local_path(raw: &str) -> Option<String> {
    let raw = raw.split('#').next().unwrap_or_default();
    (raw.starts_with('/') && !raw.starts_with("//") && !raw.contains('\\')).then(|| raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ballot_counts_once_and_forgeries_never() {
        let b = Ballots::default();
        let ballot = b.issue();
        assert!(b.redeem(&ballot));
        assert!(!b.redeem(&ballot));
        assert!(!b.redeem("0-0000000000000000"));
        assert!(!b.redeem("nonsense"));
        let other = Ballots::default();
        assert!(!other.redeem(&b.issue()), "another process's ballot");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/nytt?q=a#f").as_deref(), Some("/nytt?q=a"));
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path("/\\evil.example"), None);
    }
}
