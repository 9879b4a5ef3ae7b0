//! Progress across interviews: per topic and per competency, the mean score of the answers
//! in the last interviews, the trend, and how many answers back it, weakest first; and the
//! weak topics a practice interview aims at.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evaluation::mean_score;
use super::focus::{FocusReason, FocusTopic, WeakFocus};
use super::interview::{Answer, Interview};
use super::vocabulary::{Position, names};

/// How many of the latest interviews (with an evaluated answer) progress looks at.
pub const PROGRESS_WINDOW: usize = 5;
/// Answers a topic needs behind it before a practice interview treats it as weak.
pub const MIN_ANSWERS_FOR_FOCUS: usize = 3;
/// Topics a practice interview on weak areas takes its technical questions from, at most.
pub const FOCUS_TOPICS: usize = 2;
/// A topic whose mean is below this is weak.
pub const WEAK_AREA_SCORE: f64 = 7.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Topic,
    Competency,
}

names!(AreaKind { Topic = "topic", Competency = "competency" });

/// One area's mean in one interview.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct AreaPoint {
    pub interview_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    pub score: f64,
    pub answers: usize,
}

/// A topic or competency across the last interviews.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Area {
    pub kind: AreaKind,
    pub name: String,
    /// Mean score (1-10) of every evaluated answer in the window.
    pub score: f64,
    pub answers: usize,
    /// The latest interview's mean minus the mean of the earlier ones; absent with one
    /// interview only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<f64>,
    /// Oldest first, for a chart.
    pub history: Vec<AreaPoint>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"interviews": 2, "areas": [{"kind": "topic", "name": "databases", "score": 4.5, "answers": 4, "trend": 1.0, "history": [{"interview_id": "0196f1c4c2d38f4a9e5c7d8f9a0b1c2d", "created_at": "2026-11-29T09:32:00Z", "score": 4.0, "answers": 2}, {"interview_id": "0196f1c4c2d38f4a9e5c7d8f9a0b1c3e", "created_at": "2026-11-30T09:32:00Z", "score": 5.0, "answers": 2}]}]}))]
pub struct Progress {
    /// Interviews looked at: the latest ones with an evaluated answer, at most 5.
    pub interviews: usize,
    /// Weakest first.
    pub areas: Vec<Area>,
}

/// An interview and the scores of one area's answers in it.
type Scores<'a> = (&'a Interview, Vec<f64>);

/// Progress from the user's interviews (any order) and their answers (first attempts).
pub fn progress(interviews: &[Interview], answers: &[Answer]) -> Progress {
    let mut by_interview: BTreeMap<&str, Vec<&Answer>> = BTreeMap::new();
    for answer in answers.iter().filter(|a| a.evaluation.is_some()) {
        by_interview
            .entry(answer.interview_id.as_str())
            .or_default()
            .push(answer);
    }
    let mut window: Vec<&Interview> = interviews
        .iter()
        .filter(|i| by_interview.contains_key(i.id.as_str()))
        .collect();
    window.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    window.truncate(PROGRESS_WINDOW);
    window.reverse();

    // Per area, per interview (oldest first): the scores.
    let mut areas: BTreeMap<(AreaKind, String), Vec<Scores<'_>>> = BTreeMap::new();
    for interview in &window {
        for answer in &by_interview[interview.id.as_str()] {
            let (Some(question), Some(evaluation)) =
                (interview.question(&answer.question_id), &answer.evaluation)
            else {
                continue;
            };
            let area = match (&question.topic, &question.competency) {
                (Some(topic), _) => (AreaKind::Topic, topic.clone()),
                (None, Some(competency)) => (AreaKind::Competency, competency.clone()),
                _ => continue,
            };
            let points = areas.entry(area).or_default();
            match points.last_mut() {
                Some((last, scores)) if last.id == interview.id => {
                    scores.push(f64::from(evaluation.score))
                }
                _ => points.push((interview, vec![f64::from(evaluation.score)])),
            }
        }
    }
    let mut areas: Vec<Area> = areas
        .into_iter()
        .map(|((kind, name), points)| {
            let all: Vec<f64> = points.iter().flat_map(|(_, s)| s.iter().copied()).collect();
            let history: Vec<AreaPoint> = points
                .iter()
                .map(|(interview, scores)| AreaPoint {
                    interview_id: interview.id.clone(),
                    created_at: interview.created_at,
                    score: mean_score(scores),
                    answers: scores.len(),
                })
                .collect();
            let trend = match history.split_last() {
                Some((latest, earlier)) if !earlier.is_empty() => {
                    let before: Vec<f64> = earlier.iter().map(|p| p.score).collect();
                    Some(((latest.score - mean_score(&before)) * 10.0).round() / 10.0)
                }
                _ => None,
            };
            Area {
                kind,
                name,
                score: mean_score(&all),
                answers: all.len(),
                trend,
                history,
            }
        })
        .collect();
    areas.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then_with(|| a.name.cmp(&b.name))
    });
    Progress {
        interviews: window.len(),
        areas,
    }
}

/// The weakest topics of a position, those scoring under 7 with enough answers behind them,
/// weakest first.
pub fn weakest_topics(progress: &Progress, position: Position) -> WeakFocus {
    let known: Vec<&Area> = progress
        .areas
        .iter()
        .filter(|a| a.kind == AreaKind::Topic && a.answers >= MIN_ANSWERS_FOR_FOCUS)
        .filter(|a| position.topics().contains(&a.name.as_str()))
        .collect();
    let topics: Vec<FocusTopic> = known
        .iter()
        .filter(|a| a.score < WEAK_AREA_SCORE)
        .take(FOCUS_TOPICS)
        .map(|a| FocusTopic {
            topic: a.name.clone(),
            score: a.score,
            answers: a.answers,
        })
        .collect();
    let reason = match (known.is_empty(), topics.is_empty()) {
        (true, _) => FocusReason::TooFewAnswers,
        (false, true) => FocusReason::NoWeakTopic,
        (false, false) => FocusReason::WeakestTopics,
    };
    WeakFocus { reason, topics }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::evaluation::Evaluation;
    use crate::domain::interview::{EvaluationStatus, InterviewQuestion, PersonalStatus};
    use crate::domain::{Lang, QuestionKind};

    fn interview(id: &str, day: i64, topics: &[&str]) -> Interview {
        Interview {
            id: id.into(),
            cv_id: "c".into(),
            position: Position::Be,
            lang: Lang::En,
            questions: topics
                .iter()
                .enumerate()
                .map(|(n, topic)| InterviewQuestion {
                    id: format!("q{}", n + 1),
                    kind: QuestionKind::Technical,
                    text: Some("t".into()),
                    topic: Some((*topic).into()),
                    competency: None,
                    difficulty: None,
                    bank_id: None,
                    example_answer: None,
                    key_points: Vec::new(),
                    criteria: Vec::new(),
                    requirement: None,
                    follows: None,
                })
                .collect(),
            personal_status: PersonalStatus::None,
            job: None,
            answered: BTreeSet::new(),
            score: None,
            created_at: time::OffsetDateTime::from_unix_timestamp(day * 86_400).unwrap(),
            follow_up_limit: 0,
            follow_ups_written: 0,
            last_answer_at: None,
            follow_ups: Vec::new(),
            awaiting_evaluation: BTreeSet::new(),
            focus: None,
        }
    }

    fn answer(interview: &str, question: &str, score: u8) -> Answer {
        Answer {
            interview_id: interview.into(),
            question_id: question.into(),
            answer: "a".into(),
            evaluation_status: EvaluationStatus::Evaluated,
            submitted_at: time::OffsetDateTime::UNIX_EPOCH,
            queued_at: None,
            evaluation: Some(Evaluation {
                grader: "offline".into(),
                score,
                dimensions: Vec::new(),
                key_points_covered: Vec::new(),
                key_points_missed: Vec::new(),
                evidence: Vec::new(),
                star: None,
                feedback: String::new(),
            }),
            failure_reason: None,
            retries: 0,
        }
    }

    #[test]
    fn areas_come_weakest_first_with_their_trend() {
        let interviews = [
            interview("a", 1, &["databases", "networking", "databases"]),
            interview("b", 2, &["databases", "networking"]),
        ];
        let answers = [
            answer("a", "q1", 2),
            answer("a", "q2", 8),
            answer("a", "q3", 4),
            answer("b", "q1", 5),
            answer("b", "q2", 6),
        ];
        let progress = progress(&interviews, &answers);
        assert_eq!(progress.interviews, 2);
        let summary: Vec<(&str, f64, usize, Option<f64>)> = progress
            .areas
            .iter()
            .map(|a| (a.name.as_str(), a.score, a.answers, a.trend))
            .collect();
        assert_eq!(
            summary,
            [
                ("databases", 3.7, 3, Some(2.0)),
                ("networking", 7.0, 2, Some(-2.0))
            ]
        );
        assert_eq!(progress.areas[0].history.len(), 2);
        // Networking has too few answers, and scores 7 anyway.
        let focus = weakest_topics(&progress, Position::Be);
        assert_eq!(focus.reason, FocusReason::WeakestTopics);
        assert_eq!(
            focus.topics,
            [FocusTopic {
                topic: "databases".into(),
                score: 3.7,
                answers: 3
            }]
        );
        // Another position's topics are not its weak areas; a new account has none.
        let other = weakest_topics(&progress, Position::Fe);
        assert_eq!(
            (other.reason, other.topics.len()),
            (FocusReason::TooFewAnswers, 0)
        );
        let new = weakest_topics(&super::progress(&[], &[]), Position::Be);
        assert_eq!(new.reason, FocusReason::TooFewAnswers);
        // Strong everywhere: nothing is weak.
        let mut strong = progress.clone();
        strong.areas.retain(|a| a.name == "databases");
        strong.areas[0].score = 8.0;
        assert_eq!(
            weakest_topics(&strong, Position::Be).reason,
            FocusReason::NoWeakTopic
        );
    }
}
