//! The question bank: technical questions per position and topic (each with an example answer
//! and key points), competencies with their 1-5 rubrics, behavioral questions; the rules the
//! bank must meet; and browsing it for practice.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use std::sync::LazyLock;

use regex::Regex;

use super::field::{TextRule, pattern};
use super::text::is_hangul;
use super::vocabulary::{COMPETENCIES, Difficulty, Lang, Position};

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

impl Bank {
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

/// Counts of the bank by position, difficulty and topic.
pub fn technical_counts(bank: &Bank) -> BTreeMap<(Position, Difficulty), usize> {
    let mut counts = BTreeMap::new();
    for q in &bank.technical {
        *counts.entry((q.position, q.difficulty)).or_insert(0) += 1;
    }
    counts
}

/// How many questions one page of browsing holds: at least, at most, and when not asked.
pub const PAGE_SIZE: (usize, usize, usize) = (1, 50, 20);

/// Where a page of browsing continues: after this question id (ids sort in a stable order).
pub static CURSOR: TextRule = TextRule {
    min_chars: 1,
    max_chars: Some(100),
    pattern: Some(&CURSOR_PATTERN),
};
static CURSOR_PATTERN: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[a-z0-9-]{1,100}$"));

/// Every topic of every position, each once.
pub fn all_topics() -> Vec<&'static str> {
    let mut topics: Vec<&'static str> = Position::ALL
        .iter()
        .flat_map(|p| p.topics().iter().copied())
        .collect();
    topics.sort_unstable();
    topics.dedup();
    topics
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
