//! The question bank: its file format (documented in `bank/README.md`), validation, the
//! loader that writes it into the item store, and the cached index interviews draw from.
//!
//! Item layout:
//! - `BANK#technical#{position}` / `{topic}#{id}`: a technical question, both languages.
//! - `BANK#behavioral` / `COMPETENCY#{id}`: a competency and its 1-5 rubric.
//! - `BANK#behavioral` / `QUESTION#{competency}#{id}`: a behavioral question.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::ports::item_store::query_all;
use crate::ports::{Item, ItemKey, ItemStore, StoreError};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Ai,
    Be,
    Fe,
    Mobile,
}

impl Position {
    pub const ALL: [Self; 4] = [Self::Ai, Self::Be, Self::Fe, Self::Mobile];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ai => "ai",
            Self::Be => "be",
            Self::Fe => "fe",
            Self::Mobile => "mobile",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }

    /// The position's topic taxonomy.
    pub fn topics(self) -> &'static [&'static str] {
        match self {
            Self::Ai => &[
                "machine-learning",
                "deep-learning",
                "statistics",
                "nlp",
                "mlops",
            ],
            Self::Be => &[
                "databases",
                "networking",
                "operating-systems",
                "distributed-systems",
                "apis",
                "security",
                "concurrency",
            ],
            Self::Fe => &[
                "javascript",
                "typescript",
                "browsers",
                "css",
                "react",
                "performance",
                "accessibility",
            ],
            Self::Mobile => &[
                "ios",
                "android",
                "flutter",
                "react-native",
                "app-lifecycle",
                "offline-and-performance",
            ],
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "en" => Some(Self::En),
            "ko" => Some(Self::Ko),
            _ => None,
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Junior,
    Mid,
    Senior,
}

impl Difficulty {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "junior" => Some(Self::Junior),
            "mid" => Some(Self::Mid),
            "senior" => Some(Self::Senior),
            _ => None,
        }
    }
}

/// The competencies behavioral questions assess.
pub const COMPETENCIES: [&str; 6] = [
    "adaptability",
    "collaboration",
    "leadership",
    "growth-potential",
    "prioritization",
    "culture-add",
];

/// A technical question's text in one language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TechnicalText {
    pub text: String,
    pub example_answer: String,
    pub key_points: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TechnicalQuestion {
    pub id: String,
    pub position: Position,
    pub topic: String,
    pub difficulty: Difficulty,
    pub en: TechnicalText,
    pub ko: TechnicalText,
}

impl TechnicalQuestion {
    pub fn text(&self, lang: Lang) -> &TechnicalText {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CompetencyText {
    pub name: String,
    pub description: String,
    /// Levels "1" (weak) to "5" (exceptional).
    pub rubric: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Competency {
    pub id: String,
    pub en: CompetencyText,
    pub ko: CompetencyText,
}

impl Competency {
    pub fn text(&self, lang: Lang) -> &CompetencyText {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BehavioralText {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BehavioralQuestion {
    pub id: String,
    pub competency: String,
    pub en: BehavioralText,
    pub ko: BehavioralText,
}

impl BehavioralQuestion {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en.text,
            Lang::Ko => &self.ko.text,
        }
    }
}

/// The whole bank.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bank {
    pub technical: Vec<TechnicalQuestion>,
    pub competencies: Vec<Competency>,
    pub behavioral: Vec<BehavioralQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TechnicalFile {
    position: Position,
    topic: String,
    questions: Vec<TechnicalEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TechnicalEntry {
    id: String,
    difficulty: Difficulty,
    en: TechnicalText,
    ko: TechnicalText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BehavioralFile {
    competencies: Vec<Competency>,
    questions: Vec<BehavioralQuestion>,
}

#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid bank file: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("the bank has {} problem(s):\n{}", .0.len(), .0.join("\n"))]
    Invalid(Vec<String>),
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, BankError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BankError::Read {
        path: display.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| BankError::Parse {
        path: display,
        source,
    })
}

impl Bank {
    /// Reads and validates the bank under `dir` (`behavioral.json`, `technical/*/*.json`).
    pub fn read_dir(dir: &Path) -> Result<Self, BankError> {
        let behavioral: BehavioralFile = read_json(&dir.join("behavioral.json"))?;
        let mut bank = Self {
            technical: Vec::new(),
            competencies: behavioral.competencies,
            behavioral: behavioral.questions,
        };
        let mut problems = Vec::new();
        for position in Position::ALL {
            let folder = dir.join("technical").join(position.as_str());
            let mut files: Vec<_> = std::fs::read_dir(&folder)
                .map_err(|source| BankError::Read {
                    path: folder.display().to_string(),
                    source,
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for path in files {
                let file: TechnicalFile = read_json(&path)?;
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                if file.position != position || file.topic != stem {
                    problems.push(format!(
                        "{}: declares {}/{}, but lives in {}/{stem}",
                        path.display(),
                        file.position.as_str(),
                        file.topic,
                        position.as_str()
                    ));
                }
                bank.technical
                    .extend(file.questions.into_iter().map(|q| TechnicalQuestion {
                        id: q.id,
                        position: file.position,
                        topic: file.topic.clone(),
                        difficulty: q.difficulty,
                        en: q.en,
                        ko: q.ko,
                    }));
            }
        }
        problems.extend(bank.problems());
        if problems.is_empty() {
            Ok(bank)
        } else {
            Err(BankError::Invalid(problems))
        }
    }

    /// Every rule of the format the bank breaks, one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        let mut duplicate = |id: &str, problems: &mut Vec<String>| {
            if !ids.insert(id.to_owned()) {
                problems.push(format!("{id}: the id is used twice"));
            }
        };
        for q in &self.technical {
            duplicate(&q.id, &mut problems);
            if !q.position.topics().contains(&q.topic.as_str()) {
                problems.push(format!(
                    "{}: `{}` is not a {} topic",
                    q.id,
                    q.topic,
                    q.position.as_str()
                ));
            }
            let prefix = format!("{}-{}-", q.position.as_str(), q.topic);
            let number = q.id.strip_prefix(&prefix).unwrap_or_default();
            if number.len() != 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
                problems.push(format!("{}: ids read {prefix}<nnn>", q.id));
            }
            for (lang, text) in [("en", &q.en), ("ko", &q.ko)] {
                let length = text.text.chars().count();
                if !(10..=400).contains(&length) {
                    problems.push(format!(
                        "{} ({lang}): the question has {length} characters, not 10-400",
                        q.id
                    ));
                }
                if !(3..=6).contains(&text.key_points.len())
                    || text.key_points.iter().any(|p| p.trim().is_empty())
                {
                    problems.push(format!("{} ({lang}): 3-6 non-empty key points", q.id));
                }
            }
            let words = q.en.example_answer.split_whitespace().count();
            if !(60..=200).contains(&words) {
                problems.push(format!(
                    "{} (en): the example answer has {words} words, not 60-200",
                    q.id
                ));
            }
            let chars = q.ko.example_answer.chars().count();
            if !(100..=900).contains(&chars) {
                problems.push(format!(
                    "{} (ko): the example answer has {chars} characters, not 100-900",
                    q.id
                ));
            }
            if q.en.key_points.len() != q.ko.key_points.len() {
                problems.push(format!(
                    "{}: en and ko have different numbers of key points",
                    q.id
                ));
            }
            if !q.ko.text.chars().any(is_hangul) || !q.ko.example_answer.chars().any(is_hangul) {
                problems.push(format!("{} (ko): no Korean text", q.id));
            }
        }
        let competency_ids: BTreeSet<&str> =
            self.competencies.iter().map(|c| c.id.as_str()).collect();
        if competency_ids != COMPETENCIES.into_iter().collect() {
            problems.push(format!(
                "competencies are {competency_ids:?}, not {COMPETENCIES:?}"
            ));
        }
        for c in &self.competencies {
            for (lang, text) in [("en", &c.en), ("ko", &c.ko)] {
                let levels: Vec<&str> = text.rubric.keys().map(String::as_str).collect();
                if levels != ["1", "2", "3", "4", "5"]
                    || text.rubric.values().any(|v| v.trim().is_empty())
                {
                    problems.push(format!(
                        "{} ({lang}): the rubric has levels 1-5, each described",
                        c.id
                    ));
                }
                if text.name.trim().is_empty() {
                    problems.push(format!("{} ({lang}): no name", c.id));
                }
            }
        }
        for q in &self.behavioral {
            duplicate(&q.id, &mut problems);
            if !competency_ids.contains(q.competency.as_str()) {
                problems.push(format!("{}: unknown competency `{}`", q.id, q.competency));
            }
            for (lang, text) in [("en", &q.en.text), ("ko", &q.ko.text)] {
                let length = text.chars().count();
                if !(10..=400).contains(&length) {
                    problems.push(format!(
                        "{} ({lang}): the question has {length} characters, not 10-400",
                        q.id
                    ));
                }
            }
        }
        for competency in COMPETENCIES {
            let count = self
                .behavioral
                .iter()
                .filter(|q| q.competency == competency)
                .count();
            if count < 6 {
                problems.push(format!(
                    "{competency}: {count} behavioral questions, not at least 6"
                ));
            }
        }
        problems.extend(near_duplicates(&self.technical));
        problems
    }
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Pairs of questions of one position whose English wording is nearly the same (word-set
/// Jaccard similarity of 0.8 or more).
fn near_duplicates(questions: &[TechnicalQuestion]) -> Vec<String> {
    let words = |text: &str| -> BTreeSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect()
    };
    let sets: Vec<(&TechnicalQuestion, BTreeSet<String>)> =
        questions.iter().map(|q| (q, words(&q.en.text))).collect();
    let mut problems = Vec::new();
    for (i, (a, wa)) in sets.iter().enumerate() {
        for (b, wb) in &sets[i + 1..] {
            if a.position != b.position || wa.is_empty() || wb.is_empty() {
                continue;
            }
            let shared = wa.intersection(wb).count() as f64;
            let union = wa.union(wb).count() as f64;
            if shared / union >= 0.8 {
                problems.push(format!("{} and {} are near-duplicates", a.id, b.id));
            }
        }
    }
    problems
}

pub fn technical_partition(position: Position) -> String {
    format!("BANK#technical#{}", position.as_str())
}

pub const BEHAVIORAL_PARTITION: &str = "BANK#behavioral";

/// What a load wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub technical: usize,
    pub competencies: usize,
    pub behavioral: usize,
}

/// Writes the bank into the store. Entries are overwritten in place, so loading again is
/// harmless; an id is never reused for another question, so answers keep their meaning.
pub async fn load(store: &dyn ItemStore, bank: &Bank) -> Result<LoadReport, StoreError> {
    for q in &bank.technical {
        let key = ItemKey::new(
            technical_partition(q.position),
            format!("{}#{}", q.topic, q.id),
        );
        store.put(Item::of(key, q)?, None).await?;
    }
    for c in &bank.competencies {
        let key = ItemKey::new(BEHAVIORAL_PARTITION, format!("COMPETENCY#{}", c.id));
        store.put(Item::of(key, c)?, None).await?;
    }
    for q in &bank.behavioral {
        let key = ItemKey::new(
            BEHAVIORAL_PARTITION,
            format!("QUESTION#{}#{}", q.competency, q.id),
        );
        store.put(Item::of(key, q)?, None).await?;
    }
    Ok(LoadReport {
        technical: bank.technical.len(),
        competencies: bank.competencies.len(),
        behavioral: bank.behavioral.len(),
    })
}

/// The bank as the store holds it, read whole.
pub async fn read_from_store(store: &dyn ItemStore) -> Result<Bank, StoreError> {
    let mut bank = Bank::default();
    for position in Position::ALL {
        for item in query_all(store, &technical_partition(position), "").await? {
            bank.technical.push(item.decode()?);
        }
    }
    for item in query_all(store, BEHAVIORAL_PARTITION, "COMPETENCY#").await? {
        bank.competencies.push(item.decode()?);
    }
    for item in query_all(store, BEHAVIORAL_PARTITION, "QUESTION#").await? {
        bank.behavioral.push(item.decode()?);
    }
    Ok(bank)
}

/// The bank, read from the store once and kept for a while, so starting an interview costs
/// no bank reads. A function instance sees a reload within `REFRESH` of a new load.
pub struct BankCache {
    cached: RwLock<Option<(Instant, Arc<Bank>)>>,
}

const REFRESH: Duration = Duration::from_secs(300);

impl Default for BankCache {
    fn default() -> Self {
        Self {
            cached: RwLock::new(None),
        }
    }
}

impl BankCache {
    pub async fn get(&self, store: &dyn ItemStore) -> Result<Arc<Bank>, ApiError> {
        if let Ok(cached) = self.cached.read()
            && let Some((at, bank)) = cached.as_ref()
            && at.elapsed() < REFRESH
        {
            return Ok(Arc::clone(bank));
        }
        let bank = Arc::new(read_from_store(store).await?);
        if bank.technical.is_empty() {
            return Err(ApiError::unexpected(anyhow::anyhow!(
                "the question bank is empty: load it with `cyi-bank load`"
            )));
        }
        if let Ok(mut cached) = self.cached.write() {
            *cached = Some((Instant::now(), Arc::clone(&bank)));
        }
        Ok(bank)
    }
}

/// Counts of the bank by position, difficulty and topic.
pub fn technical_counts(bank: &Bank) -> BTreeMap<(Position, Difficulty), usize> {
    let mut counts = BTreeMap::new();
    for q in &bank.technical {
        *counts.entry((q.position, q.difficulty)).or_insert(0) += 1;
    }
    counts
}

/// Questions by id, for lookups.
pub fn technical_by_id(bank: &Bank) -> HashMap<&str, &TechnicalQuestion> {
    bank.technical.iter().map(|q| (q.id.as_str(), q)).collect()
}

/// Which bank questions to list.
#[derive(Clone, Debug, Default)]
pub struct Browse {
    pub behavioral: bool,
    pub position: Option<Position>,
    pub topic: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub competency: Option<String>,
    /// Continue after this question id.
    pub after: Option<String>,
    pub limit: usize,
}

/// A question of either kind, for browsing.
pub enum Listed<'a> {
    Technical(&'a TechnicalQuestion),
    Behavioral(&'a BehavioralQuestion),
}

impl Listed<'_> {
    pub fn id(&self) -> &str {
        match self {
            Self::Technical(q) => &q.id,
            Self::Behavioral(q) => &q.id,
        }
    }
}

impl Bank {
    /// One page of questions matching the filter, in a stable order (ids sort within their
    /// position and topic), and the id to continue after when more follow.
    pub fn browse(&self, filter: &Browse) -> (Vec<Listed<'_>>, Option<String>) {
        let mut matching: Vec<Listed<'_>> = if filter.behavioral {
            self.behavioral
                .iter()
                .filter(|q| {
                    filter
                        .competency
                        .as_ref()
                        .is_none_or(|c| &q.competency == c)
                })
                .map(Listed::Behavioral)
                .collect()
        } else {
            self.technical
                .iter()
                .filter(|q| filter.position.is_none_or(|p| q.position == p))
                .filter(|q| filter.topic.as_ref().is_none_or(|t| &q.topic == t))
                .filter(|q| filter.difficulty.is_none_or(|d| q.difficulty == d))
                .map(Listed::Technical)
                .collect()
        };
        matching.sort_by(|a, b| a.id().cmp(b.id()));
        let start = filter.after.as_ref().map_or(0, |after| {
            matching.partition_point(|q| q.id() <= after.as_str())
        });
        let page: Vec<Listed<'_>> = matching
            .into_iter()
            .skip(start)
            .take(filter.limit + 1)
            .collect();
        let mut page = page;
        let next = if page.len() > filter.limit {
            page.truncate(filter.limit);
            page.last().map(|q| q.id().to_owned())
        } else {
            None
        };
        (page, next)
    }
}
