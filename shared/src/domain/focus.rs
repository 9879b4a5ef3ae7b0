//! What a practice interview on weak areas chose, and why: kept on the interview, chosen from
//! progress across interviews (`progress`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::vocabulary::names;

/// A topic a practice interview aims at, and why: its score and the answers behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FocusTopic {
    pub topic: String,
    pub score: f64,
    pub answers: usize,
}

/// Why a practice interview on weak areas asks what it asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FocusReason {
    /// The topics listed are the weakest, each with enough answers behind it.
    WeakestTopics,
    /// No topic of the position has enough answers yet: the usual spread.
    TooFewAnswers,
    /// Every topic with enough answers scores 7 or more: the usual spread.
    NoWeakTopic,
}

names!(FocusReason { WeakestTopics = "weakest_topics", TooFewAnswers = "too_few_answers", NoWeakTopic = "no_weak_topic" });

/// What a practice interview on weak areas chose, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WeakFocus {
    pub reason: FocusReason,
    /// Weakest first; empty unless the reason is `weakest_topics`.
    pub topics: Vec<FocusTopic>,
}
