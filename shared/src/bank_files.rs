//! The bank's file format (documented in `bank/README.md`): a folder with `behavioral.json`
//! and `technical/<position>/<topic>.json`, read and validated whole.

use std::path::Path;

use serde::Deserialize;

use crate::domain::Position;
use crate::domain::bank::{Bank, BehavioralQuestion, Competency, TechnicalQuestion, TechnicalText};
use crate::domain::vocabulary::Difficulty;

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
}
