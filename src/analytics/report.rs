//! The editors' report (`/redaktion`, `vagvisare report`): from the daily analytics files, the
//! searches that find nothing, the searches that find no answer card, the cards users say did
//! not help, and the searches whose hits are rarely opened. Each row has its counts over 7, 30
//! and 90 days; rows are ranked by the window the editor picks. A query without a card comes
//! with a card skeleton (TOML) to fill in and save under `corpus/kort/`.

use super::{QueryCounts, Store, Votes, sum};
use serde::Serialize;
use std::collections::BTreeSet;
use time::Date;

/// The windows every row is counted over.
pub const WINDOWS: [u32; 3] = [7, 30, 90];
/// Rows per list.
pub const ROWS: usize = 25;
/// A query is "rarely opened" when fewer than this share of its searches with hits led to an
/// opened hit or card...
pub const RARELY_OPENED_SHARE: f64 = 0.2;
/// ...among queries searched with hits at least this many times in the window.
pub const RARELY_OPENED_MIN_SEARCHES: u64 = 3;

/// Counts of one query in one window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueryWindow {
    pub days: u32,
    pub searches: u64,
    pub no_hits: u64,
    pub no_card: u64,
    pub opened: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueryRow {
    pub query: String,
    pub windows: Vec<QueryWindow>,
    /// A card to start from, for queries that found no card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_skeleton: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VoteWindow {
    pub days: u32,
    pub yes: u64,
    pub no: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CardRow {
    pub card: String,
    pub title: Option<String>,
    pub windows: Vec<VoteWindow>,
}

/// Totals of one window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Totals {
    pub days: u32,
    pub searches: u64,
    pub no_hits: u64,
    pub no_card: u64,
    /// Searches that looked like personal data (text not kept).
    pub personal: u64,
    pub votes_yes: u64,
    pub votes_no: u64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub today: String,
    /// The window the lists are ranked by.
    pub ranked_by_days: u32,
    pub totals: Vec<Totals>,
    pub no_hits: Vec<QueryRow>,
    pub no_card: Vec<QueryRow>,
    pub unhelpful_cards: Vec<CardRow>,
    pub rarely_opened: Vec<QueryRow>,
}

/// The counts of each day, newest first, and how many days back each is.
struct History {
    days: Vec<(i64, super::Day)>,
}

impl History {
    fn read(store: &Store, today: Date, max_days: u32) -> std::io::Result<History> {
        let mut days = Vec::new();
        for day in store.days().into_iter().rev() {
            let age = crate::curated::common::days_between(day, today);
            if age < 0 || age >= i64::from(max_days) {
                continue;
            }
            days.push((age, store.read(day)?));
        }
        Ok(History { days })
    }

    fn within(&self, window: u32) -> impl Iterator<Item = &super::Day> {
        self.days
            .iter()
            .filter(move |(age, _)| *age < i64::from(window))
            .map(|(_, d)| d)
    }

    fn query(&self, query: &str, window: u32) -> QueryCounts {
        sum(self.within(window).filter_map(|d| d.queries.get(query)))
    }

    fn votes(&self, card: &str, window: u32) -> Votes {
        let mut v = Votes::default();
        for d in self.within(window) {
            if let Some(x) = d.votes.get(card) {
                v.yes += x.yes;
                v.no += x.no;
            }
        }
        v
    }
}

impl Report {
    /// Builds the report of `store` as of `today`, ranking by the last `days` days.
    /// `card_title` names a card id (`None` for a card no longer in the corpus).
    pub fn build(
        store: &Store,
        today: Date,
        days: u32,
        card_title: &dyn Fn(&str) -> Option<String>,
    ) -> std::io::Result<Report> {
        let days = days.clamp(1, 366);
        let history = History::read(store, today, days.max(90))?;
        let mut windows: Vec<u32> = WINDOWS.to_vec();
        if !windows.contains(&days) {
            windows.push(days);
            windows.sort();
        }
        let queries: BTreeSet<&str> = history
            .within(days)
            .flat_map(|d| d.queries.keys().map(String::as_str))
            .collect();
        let ranked: Vec<(&str, QueryCounts)> = queries
            .iter()
            .map(|q| (*q, history.query(q, days)))
            .collect();
        let row = |q: &str, skeleton: bool| QueryRow {
            query: q.to_string(),
            windows: windows
                .iter()
                .map(|w| {
                    let c = history.query(q, *w);
                    QueryWindow {
                        days: *w,
                        searches: c.searches,
                        no_hits: c.no_hits,
                        no_card: c.no_card,
                        opened: c.hits_opened + c.cards_opened,
                    }
                })
                .collect(),
            card_skeleton: skeleton.then(|| {
                let c = history.query(q, days);
                card_skeleton(q, c.no_card, days, today)
            }),
        };
        let top = |key: &dyn Fn(&QueryCounts) -> u64,
                   keep: &dyn Fn(&QueryCounts) -> bool,
                   skeleton: bool| {
            let mut rows: Vec<&(&str, QueryCounts)> =
                ranked.iter().filter(|(_, c)| keep(c)).collect();
            rows.sort_by(|a, b| key(&b.1).cmp(&key(&a.1)).then(a.0.cmp(b.0)));
            rows.iter()
                .take(ROWS)
                .map(|(q, _)| row(q, skeleton))
                .collect::<Vec<_>>()
        };
        let no_hits = top(&|c| c.no_hits, &|c| c.no_hits > 0, true);
        // Queries that found documents but no card (those that found nothing are listed above).
        let no_card = top(
            &|c| c.no_card.saturating_sub(c.no_hits),
            &|c| c.no_card > c.no_hits,
            true,
        );
        let rarely_opened = top(
            &|c| c.searches - c.no_hits,
            &|c| {
                let with_hits = c.searches - c.no_hits;
                with_hits >= RARELY_OPENED_MIN_SEARCHES
                    && ((c.hits_opened + c.cards_opened) as f64)
                        < RARELY_OPENED_SHARE * with_hits as f64
            },
            false,
        );
        let cards: BTreeSet<&str> = history
            .within(days)
            .flat_map(|d| d.votes.keys().map(String::as_str))
            .collect();
        let mut voted: Vec<(&str, Votes)> = cards
            .iter()
            .map(|c| (*c, history.votes(c, days)))
            .filter(|(_, v)| v.no > 0)
            .collect();
        voted.sort_by(|a, b| {
            b.1.no
                .cmp(&a.1.no)
                .then(a.1.yes.cmp(&b.1.yes))
                .then(a.0.cmp(b.0))
        });
        let unhelpful_cards = voted
            .iter()
            .take(ROWS)
            .map(|(card, _)| CardRow {
                card: card.to_string(),
                title: card_title(card),
                windows: windows
                    .iter()
                    .map(|w| {
                        let v = history.votes(card, *w);
                        VoteWindow {
                            days: *w,
                            yes: v.yes,
                            no: v.no,
                        }
                    })
                    .collect(),
            })
            .collect();
        let totals = windows
            .iter()
            .map(|w| {
                let mut t = Totals {
                    days: *w,
                    searches: 0,
                    no_hits: 0,
                    no_card: 0,
                    personal: 0,
                    votes_yes: 0,
                    votes_no: 0,
                };
                for d in history.within(*w) {
                    let all = sum(d.queries.values().chain([&d.personal, &d.other]));
                    t.searches += all.searches;
                    t.no_hits += all.no_hits;
                    t.no_card += all.no_card;
                    t.personal += d.personal.searches;
                    for v in d.votes.values() {
                        t.votes_yes += v.yes;
                        t.votes_no += v.no;
                    }
                }
                t
            })
            .collect();
        Ok(Report {
            today: today.to_string(),
            ranked_by_days: days,
            totals,
            no_hits,
            no_card,
            unhelpful_cards,
            rarely_opened,
        })
    }

    /// The report as plain text for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let heads: Vec<String> = self
            .totals
            .iter()
            .map(|t| format!("{} d", t.days))
            .collect();
        let _ = writeln!(
            out,
            "Redaktionsrapport {} (rangordnad efter de senaste {} dagarna)\n",
            self.today, self.ranked_by_days
        );
        let _ = writeln!(out, "Sökningar            {}", heads.join(" / "));
        let col = |f: &dyn Fn(&Totals) -> u64| {
            self.totals
                .iter()
                .map(|t| f(t).to_string())
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let _ = writeln!(out, "  totalt             {}", col(&|t| t.searches));
        let _ = writeln!(out, "  utan träffar       {}", col(&|t| t.no_hits));
        let _ = writeln!(out, "  utan svarskort     {}", col(&|t| t.no_card));
        let _ = writeln!(
            out,
            "  med personuppgifter (text sparas inte) {}",
            col(&|t| t.personal)
        );
        let _ = writeln!(
            out,
            "  röster ja / nej    {} | {}",
            col(&|t| t.votes_yes),
            col(&|t| t.votes_no)
        );
        type Count = fn(&QueryWindow) -> u64;
        let lists: [(&str, &Vec<QueryRow>, Count); 3] = [
            ("Sökningar utan träffar", &self.no_hits, |w| w.no_hits),
            ("Sökningar utan svarskort", &self.no_card, |w| w.no_card),
            (
                "Sökningar vars träffar sällan öppnas (sökningar)",
                &self.rarely_opened,
                |w| w.searches,
            ),
        ];
        for (title, rows, count) in lists {
            let _ = writeln!(out, "\n{title} ({}):", heads.join(" / "));
            if rows.is_empty() {
                let _ = writeln!(out, "  (inga)");
            }
            for r in rows {
                let counts: Vec<String> = r.windows.iter().map(|w| count(w).to_string()).collect();
                let _ = writeln!(out, "  {:<40} {}", r.query, counts.join(" / "));
            }
        }
        let _ = writeln!(
            out,
            "\nKort som inte hjälpte (nej / ja, {}):",
            heads.join(" / ")
        );
        if self.unhelpful_cards.is_empty() {
            let _ = writeln!(out, "  (inga)");
        }
        for c in &self.unhelpful_cards {
            let counts: Vec<String> = c
                .windows
                .iter()
                .map(|w| format!("{}/{}", w.no, w.yes))
                .collect();
            let name = c.title.as_deref().unwrap_or(&c.card);
            let _ = writeln!(out, "  {:<40} {}", name, counts.join("  "));
        }
        out
    }
}

/// A card file to start from for a query that found no card: the query as trigger and title,
/// empty answer (so `vagvisare check` reports it until someone writes one).
pub fn card_skeleton(query: &str, searches_without_card: u64, days: u32, today: Date) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let id = card_id(query);
    let mut title: String = query.to_string();
    if let Some(first) = title.chars().next() {
        title = first.to_uppercase().collect::<String>() + &title[first.len_utf8()..];
    }
    format!(
        "# Utkast till svarskort för sökningen {q} ({n} sökningar utan kort de senaste {days} dagarna).\n\
         # Spara som corpus/kort/{id}.toml, skriv svaret med lagrum och kör `vagvisare check`.\n\
         id = {qid}\n\
         title = {qtitle}\n\
         answer = \"\"\"\n\"\"\"\n\
         details = \"\"\"\n\"\"\"\n\
         legal_basis = []\n\
         see = []\n\
         audience = []  # {audiences}\n\
         topics = []  # {topics}\n\
         triggers = [{q}]\n\
         reviewed = \"{today}\"\n",
        q = quoted(query),
        n = searches_without_card,
        qid = quoted(&id),
        qtitle = quoted(&title),
        audiences = crate::curated::common::AUDIENCES.join(", "),
        topics = crate::curated::common::TOPICS.join(", "),
    )
}

/// A card id from a query: ASCII letters and digits joined by hyphens (`å`, `ä` → a, `ö` → o).
pub fn card_id(query: &str) -> String {
    let mut id = String::new();
    for ch in query.to_lowercase().chars() {
        let c = match ch {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c != '-' || !id.ends_with('-') {
            id.push(c);
        }
    }
    let id = id.trim_matches('-').to_string();
    if id.is_empty() {
        "nytt-kort".into()
    } else {
        id.chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Day, Event};
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
    }

    fn store_with(days: &[(Date, Vec<Event>)]) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "vagvisare-report-{}-{}",
            std::process::id(),
            days.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::new(&dir);
        for (day, events) in days {
            let mut d = Day {
                day: day.to_string(),
                ..Day::default()
            };
            for e in events {
                d.apply(e);
            }
            store.write(*day, &d).unwrap();
        }
        (store, dir)
    }

    fn search(q: &str, hits: u64, cards: usize) -> Event {
        Event::Search {
            query: q.into(),
            hits,
            cards,
        }
    }

    #[test]
    fn windows_rank_and_skeletons() {
        let today = date(2026, 12, 6);
        let (store, dir) = store_with(&[
            (
                today,
                vec![
                    search("städning", 0, 0),
                    search("städning", 0, 0),
                    search("vinterväghållning", 4, 0),
                    search("iop", 5, 1),
                    search("iop", 5, 1),
                    search("iop", 5, 1),
                    Event::Vote {
                        card: "vad-ar-iop".into(),
                        helpful: false,
                    },
                ],
            ),
            (date(2026, 11, 20), vec![search("städning", 0, 0)]),
            (date(2026, 8, 1), vec![search("gammal", 0, 0)]),
        ]);
        let r = Report::build(&store, today, 30, &|id| {
            (id == "vad-ar-iop").then(|| "Vad är IOP?".to_string())
        })
        .unwrap();
        assert_eq!(r.no_hits[0].query, "städning");
        let counts: Vec<u64> = r.no_hits[0].windows.iter().map(|w| w.no_hits).collect();
        assert_eq!(counts, vec![2, 3, 3]);
        assert!(
            r.no_hits.iter().all(|q| q.query != "gammal"),
            "older than 90 days"
        );
        assert_eq!(r.no_card[0].query, "vinterväghållning");
        let skeleton = r.no_card[0].card_skeleton.as_deref().unwrap();
        let card: toml::Value = toml::from_str(skeleton).unwrap();
        assert_eq!(card["id"].as_str(), Some("vintervaghallning"));
        assert_eq!(card["triggers"][0].as_str(), Some("vinterväghållning"));
        assert_eq!(r.rarely_opened[0].query, "iop");
        assert_eq!(r.unhelpful_cards[0].title.as_deref(), Some("Vad är IOP?"));
        assert_eq!(r.totals[0].searches, 6);
        assert!(r.to_text().contains("städning"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn card_ids() {
        assert_eq!(
            card_id("Städning i ideell förening?"),
            "stadning-i-ideell-forening"
        );
        assert_eq!(card_id("§§"), "nytt-kort");
    }
}
