//! Imports a question bank in the legacy CSV layout into the item store.
//!
//! Files: `tech_q.csv` (`position,question,topic,example_answer`, English), `tech_q_kor.csv`
//! (the same columns, Korean, position `back-end`), `behav_q.csv` (`question,criteria`) and
//! `behavQ_criteria.json` (a description per competency). Text is trimmed and its whitespace
//! collapsed; positions are mapped (`back-end` is `be`); topics are normalised into our
//! taxonomy, and rows whose topic falls outside it are skipped; duplicates are dropped; every
//! skipped row is reported with its reason. Ids are derived from the content, so importing
//! again rewrites the same items.
//!
//! Imported questions are kept apart from the curated bank (`IMPORTED#...` partitions): they
//! come in one language and without key points, so they are material to review, not questions
//! to grade against.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use cyi_shared::domain::{COMPETENCIES, Lang, Position};
use cyi_shared::ports::{Item, ItemKey, ItemStore};
use cyi_shared::storage::layout::BankSource;
use serde_json::json;
use sha2::{Digest, Sha256};

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: &'static str,
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    /// Technical questions imported per position and language.
    pub technical: BTreeMap<(Position, Lang), usize>,
    /// Per position and topic (both languages).
    pub topics: BTreeMap<(Position, String), usize>,
    pub behavioral: usize,
    pub competencies: usize,
    pub skipped: Vec<Skipped>,
}

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn position(raw: &str) -> Option<Position> {
    match clean(raw).to_lowercase().as_str() {
        "ai" => Some(Position::Ai),
        "be" | "back-end" | "backend" => Some(Position::Be),
        "fe" | "front-end" | "frontend" => Some(Position::Fe),
        "mobile" => Some(Position::Mobile),
        _ => None,
    }
}

/// The topic of our taxonomy a legacy topic belongs to. A list of topics counts as its first.
fn topic(position: Position, raw: &str) -> Option<&'static str> {
    let first = clean(raw).to_lowercase();
    let first = first
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let topic = match (position, first.as_str()) {
        (Position::Ai, "statistics" | "eda" | "time series") => "statistics",
        (Position::Ai, "neural network") => "deep-learning",
        (Position::Ai, "nlp") => "nlp",
        (
            Position::Ai,
            "ml"
            | "methodology"
            | "linear regression"
            | "logistic regression"
            | "decision trees"
            | "naive bayes"
            | "svm"
            | "random forest"
            | "kmeans"
            | "knn"
            | "gradient boosting"
            | "gradient boost"
            | "adaboost"
            | "xgboost",
        ) => "machine-learning",
        (Position::Be, "database") => "databases",
        (Position::Be, "networking") => "networking",
        (Position::Be, "operating system") => "operating-systems",
        (Position::Be, "security") => "security",
        (Position::Fe, "javascript") => "javascript",
        (Position::Fe, "css") => "css",
        (Position::Fe, "html") => "browsers",
        (Position::Mobile, "android" | "kotlin") => "android",
        (Position::Mobile, "ios" | "swift") => "ios",
        (Position::Mobile, "flutter") => "flutter",
        (Position::Mobile, "react native") => "react-native",
        _ => return None,
    };
    Some(topic)
}

fn content_id(prefix: &str, text: &str) -> String {
    let digest = Sha256::digest(text.to_lowercase().as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("legacy-{prefix}-{hex}")
}

fn item(key: ItemKey, value: serde_json::Value) -> Item {
    Item::new(key, value.as_object().cloned().unwrap_or_default())
}

/// Imports the legacy bank under `dir` into the store.
pub async fn import(store: &dyn ItemStore, dir: &Path) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    for (file, lang) in [("tech_q.csv", Lang::En), ("tech_q_kor.csv", Lang::Ko)] {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(dir.join(file))?;
        for (index, row) in reader.records().enumerate() {
            let line = index + 2;
            let skip = |reason: String| Skipped { file, line, reason };
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    report.skipped.push(skip(format!("unreadable row: {e}")));
                    continue;
                }
            };
            let field = |i: usize| clean(row.get(i).unwrap_or_default());
            let Some(position) = position(&field(0)) else {
                report
                    .skipped
                    .push(skip(format!("unknown position `{}`", field(0))));
                continue;
            };
            let (question, example_answer) = (field(1), field(3));
            if question.is_empty() || example_answer.is_empty() {
                report
                    .skipped
                    .push(skip("no question or no example answer".into()));
                continue;
            }
            let Some(topic) = topic(position, &field(2)) else {
                report.skipped.push(skip(format!(
                    "topic `{}` is outside the {} taxonomy",
                    field(2),
                    position.as_str()
                )));
                continue;
            };
            if !seen.insert((position, lang, question.to_lowercase())) {
                report.skipped.push(skip("duplicate question".into()));
                continue;
            }
            let id = content_id(&format!("{position}-{lang}"), &question);
            let value = json!({"id": id, "position": position, "topic": topic, "lang": lang, "text": question,
                "example_answer": example_answer, "source_topic": field(2)});
            store
                .put(
                    item(
                        BankSource::Imported.technical_key(position, topic, &id),
                        value,
                    ),
                    None,
                )
                .await?;
            *report.technical.entry((position, lang)).or_default() += 1;
            *report
                .topics
                .entry((position, topic.to_owned()))
                .or_default() += 1;
        }
    }
    let file = "behav_q.csv";
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join(file))?;
    let mut seen_behavioral = HashSet::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                report.skipped.push(Skipped {
                    file,
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let question = clean(row.get(0).unwrap_or_default());
        let competency = clean(row.get(1).unwrap_or_default())
            .to_lowercase()
            .replace(' ', "-");
        if question.is_empty() || !COMPETENCIES.contains(&competency.as_str()) {
            report.skipped.push(Skipped {
                file,
                line,
                reason: format!("no question, or unknown competency `{competency}`"),
            });
            continue;
        }
        if !seen_behavioral.insert(question.to_lowercase()) {
            report.skipped.push(Skipped {
                file,
                line,
                reason: "duplicate question".into(),
            });
            continue;
        }
        let id = content_id("behavioral", &question);
        let value = json!({"id": id, "competency": competency, "lang": "en", "text": question});
        store
            .put(
                item(BankSource::Imported.behavioral_key(&competency, &id), value),
                None,
            )
            .await?;
        report.behavioral += 1;
    }
    let criteria: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("behavQ_criteria.json"))?)?;
    for (name, description) in criteria {
        let competency = clean(&name).to_lowercase().replace(' ', "-");
        if !COMPETENCIES.contains(&competency.as_str()) {
            report.skipped.push(Skipped {
                file: "behavQ_criteria.json",
                line: 0,
                reason: format!("unknown competency `{name}`"),
            });
            continue;
        }
        let value =
            json!({"competency": competency, "lang": "en", "description": clean(&description)});
        store
            .put(
                item(BankSource::Imported.competency_key(&competency), value),
                None,
            )
            .await?;
        report.competencies += 1;
    }
    Ok(report)
}

impl ImportReport {
    /// The report as `cyi-bank import-legacy` prints it.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for ((position, lang), count) in &self.technical {
            let _ = writeln!(
                out,
                "imported {count:>4} technical questions: {} ({lang:?})",
                position.as_str()
            );
        }
        for ((position, topic), count) in &self.topics {
            let _ = writeln!(out, "  {} / {topic}: {count}", position.as_str());
        }
        let _ = writeln!(
            out,
            "imported {:>4} behavioral questions and {} competency descriptions",
            self.behavioral, self.competencies
        );
        let _ = writeln!(out, "skipped  {:>4} rows:", self.skipped.len());
        for skip in &self.skipped {
            let _ = writeln!(out, "  {}:{}: {}", skip.file, skip.line, skip.reason);
        }
        out
    }
}
