//! Follow-up questions: when an evaluated answer is weak and misses something that matters,
//! the interviewer asks one more question that probes the gap, grounded in what the
//! candidate said. This module holds what counts as a gap and what a follow-up must be.

use serde::{Deserialize, Serialize};

use super::evaluation::Evaluation;
use super::interview::InterviewQuestion;
use super::text::truncate;
use super::vocabulary::{Lang, QuestionKind};

/// Answers scoring above this are strong enough to need no follow-up.
pub const WEAK_SCORE: u8 = 6;

/// What a follow-up is written from.
#[derive(Clone, Debug)]
pub struct FollowUpRequest {
    pub lang: Lang,
    pub kind: QuestionKind,
    pub question: String,
    pub answer: String,
    /// What the answer missed, as the grader named it: key points, STAR parts or criteria.
    pub missed: Vec<String>,
}

/// A follow-up question as a model writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub text: String,
}

/// What a weak answer missed, which a follow-up would probe; `None` for an answer that
/// needs none (strong, or weak without a named gap).
pub fn missed_by(kind: QuestionKind, evaluation: &Evaluation, lang: Lang) -> Option<Vec<String>> {
    if evaluation.score > WEAK_SCORE {
        return None;
    }
    let missed: Vec<String> = match kind {
        QuestionKind::Technical => evaluation.key_points_missed.clone(),
        QuestionKind::Behavioral => evaluation
            .star
            .as_ref()
            .map(|star| {
                [
                    (star.situation, lang.pick("the situation", "상황")),
                    (star.task, lang.pick("your task", "과제")),
                    (star.action, lang.pick("what you did", "행동")),
                    (star.result, lang.pick("the result", "결과")),
                ]
                .into_iter()
                .filter(|(present, _)| !present)
                .map(|(_, part)| part.to_owned())
                .collect()
            })
            .unwrap_or_default(),
        QuestionKind::Personal => evaluation
            .dimensions
            .iter()
            .filter(|d| u16::from(d.score) * 2 <= u16::from(d.max))
            .map(|d| d.name.clone())
            .collect(),
    };
    (!missed.is_empty()).then_some(missed)
}

/// The follow-up question of `original`, graded like it: on the points the answer missed
/// for a technical one, on the same competency or criteria otherwise. The example answer
/// stays on the original only (the interview item is rewritten on every answer, so what it
/// holds twice is paid for each time); grading reads it from there.
pub fn follow_up_question(
    original: &InterviewQuestion,
    written: FollowUp,
    missed: &[String],
) -> InterviewQuestion {
    InterviewQuestion {
        id: format!("{}f", original.id),
        text: Some(written.text),
        key_points: match original.kind {
            QuestionKind::Technical => missed.to_vec(),
            _ => Vec::new(),
        },
        example_answer: None,
        requirement: None,
        follows: Some(original.id.clone()),
        ..original.clone()
    }
}

/// Checks a follow-up a model wrote.
pub fn validate_follow_up(follow_up: &FollowUp) -> Result<(), String> {
    let length = follow_up.text.chars().count();
    if !(10..=400).contains(&length) {
        return Err(format!("the follow-up has {length} characters, not 10-400"));
    }
    Ok(())
}

/// The part of an answer a follow-up quotes: its first sentence, shortened.
pub fn quoted_from(answer: &str) -> String {
    let first = answer
        .split(['.', '!', '?', '\n', '。'])
        .map(str::trim)
        .find(|s| s.chars().count() >= 8)
        .unwrap_or(answer.trim());
    truncate(first, 90)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evaluation::{DimensionScore, Star};

    fn evaluation(score: u8) -> Evaluation {
        Evaluation {
            grader: "offline".into(),
            score,
            dimensions: vec![
                DimensionScore {
                    name: "ownership".into(),
                    score: 2,
                    max: 10,
                    reason: None,
                },
                DimensionScore {
                    name: "impact".into(),
                    score: 8,
                    max: 10,
                    reason: None,
                },
            ],
            key_points_covered: vec!["sorted keys".into()],
            key_points_missed: vec!["leaf links".into()],
            evidence: Vec::new(),
            star: Some(Star {
                situation: true,
                task: true,
                action: true,
                result: false,
            }),
            feedback: String::new(),
        }
    }

    #[test]
    fn only_weak_answers_with_a_named_gap_get_one() {
        assert_eq!(
            missed_by(QuestionKind::Technical, &evaluation(7), Lang::En),
            None
        );
        assert_eq!(
            missed_by(QuestionKind::Technical, &evaluation(4), Lang::En),
            Some(vec!["leaf links".to_owned()])
        );
        assert_eq!(
            missed_by(QuestionKind::Behavioral, &evaluation(3), Lang::Ko),
            Some(vec!["결과".to_owned()])
        );
        assert_eq!(
            missed_by(QuestionKind::Personal, &evaluation(5), Lang::En),
            Some(vec!["ownership".to_owned()])
        );
        let mut complete = evaluation(5);
        complete.key_points_missed.clear();
        assert_eq!(
            missed_by(QuestionKind::Technical, &complete, Lang::En),
            None
        );
    }

    #[test]
    fn a_follow_up_is_graded_on_what_was_missed() {
        let original = InterviewQuestion {
            id: "q2".into(),
            kind: QuestionKind::Technical,
            text: Some("How does an index work?".into()),
            topic: Some("databases".into()),
            competency: None,
            difficulty: None,
            bank_id: Some("be-databases-001".into()),
            example_answer: Some("A B-tree ...".into()),
            key_points: vec!["sorted keys".into(), "leaf links".into()],
            criteria: Vec::new(),
            requirement: None,
            follows: None,
        };
        let written = FollowUp {
            text: "What about the links between leaves?".into(),
        };
        let follow_up = follow_up_question(&original, written, &["leaf links".into()]);
        assert_eq!(follow_up.id, "q2f");
        assert_eq!(follow_up.follows.as_deref(), Some("q2"));
        assert_eq!(follow_up.key_points, ["leaf links"]);
        assert_eq!(follow_up.topic.as_deref(), Some("databases"));
        assert_eq!(follow_up.example_answer, None, "kept on the original only");
        assert_eq!(
            quoted_from("  I would add an index. Then more."),
            "I would add an index"
        );
    }
}
