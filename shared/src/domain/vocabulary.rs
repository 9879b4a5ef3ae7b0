//! The product's vocabulary: positions, languages, difficulty, competencies and the kinds of
//! question. Every enum that is stored or sent has one name per variant, declared once with
//! `names!` (its `as_str` and `parse`) and matched by its serde names (a test holds them equal).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares the one name each variant of an enum goes by, in both directions.
macro_rules! names {
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The variant's name, as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }

            /// The variant a name stands for.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw {
                    $($name => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use names;

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

names!(Position { Ai = "ai", Be = "be", Fe = "fe", Mobile = "mobile" });

impl Position {
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

names!(Lang { En = "en", Ko = "ko" });

impl Lang {
    /// One text or the other, by language.
    pub fn pick<T>(self, en: T, ko: T) -> T {
        match self {
            Self::En => en,
            Self::Ko => ko,
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

names!(Difficulty { Junior = "junior", Mid = "mid", Senior = "senior" });

/// The competencies behavioral questions assess.
pub const COMPETENCIES: [&str; 6] = [
    "adaptability",
    "collaboration",
    "leadership",
    "growth-potential",
    "prioritization",
    "culture-add",
];

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Technical,
    Behavioral,
    Personal,
}

names!(QuestionKind { Technical = "technical", Behavioral = "behavioral", Personal = "personal" });

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every variant's declared name is its serde name.
    pub(crate) fn names_match_serde<T: Serialize + Copy>(all: &[T], as_str: fn(T) -> &'static str) {
        for &variant in all {
            assert_eq!(
                serde_json::to_value(variant).unwrap(),
                serde_json::Value::from(as_str(variant))
            );
        }
    }

    #[test]
    fn names_are_the_serde_names() {
        names_match_serde(&Position::ALL, Position::as_str);
        names_match_serde(&Lang::ALL, Lang::as_str);
        names_match_serde(&Difficulty::ALL, Difficulty::as_str);
        names_match_serde(&QuestionKind::ALL, QuestionKind::as_str);
        assert_eq!(Position::parse("mobile"), Some(Position::Mobile));
        assert_eq!(Lang::parse("fr"), None);
    }
}
