//! The interview report: every question with its answer, evaluation and example answer;
//! scores by kind and by topic or competency; strengths and what to improve; anything still
//! pending marked as such. Also rendered as Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use utoipa::ToSchema;

use super::evaluation::{Evaluation, mean_score};
use super::interview::{Answer, EvaluationStatus, Interview, InterviewStatus};
use super::text::truncate;
use super::vocabulary::{Lang, Position, QuestionKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Unanswered,
    /// Answered; the evaluation is queued or running.
    Pending,
    Evaluated,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub question_id: String,
    pub kind: QuestionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competency: Option<String>,
    pub status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation>,
    /// Why the evaluation failed: `model_unavailable`, `invalid_model_output`, `processing_error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// The evaluation failed and may be tried again: submitting the same answer again does.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub can_retry: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example_answer: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_points: Vec<String>,
}

/// Mean score (1-10) of a group and how many answers it averages.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct GroupScore {
    pub score: f64,
    pub answers: usize,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "interview_id": "0196f1c4c2d38f4a9e5c7d8f9a0b1c2d", "status": "completed", "position": "be", "lang": "en",
    "score": 7.0, "complete": true,
    "scores_by_kind": {"technical": {"score": 7.0, "answers": 1}},
    "scores_by_topic": {"databases": {"score": 7.0, "answers": 1}},
    "scores_by_competency": {},
    "strengths": ["databases: How does a B-tree index speed up a range query?"],
    "improvements": [],
    "items": [{
        "question_id": "q1", "kind": "technical", "question": "How does a B-tree index speed up a range query?",
        "topic": "databases", "status": "evaluated", "answer": "The tree keeps keys sorted ...",
        "evaluation": {"grader": "offline", "score": 7, "dimensions": [{"name": "accuracy", "score": 8, "max": 10}],
            "key_points_covered": ["sorted keys"], "key_points_missed": ["leaf links"], "evidence": ["The tree keeps keys sorted"],
            "feedback": "You covered 1 of 2 key points. Missing: leaf links."},
        "example_answer": "A B-tree keeps keys sorted ...", "key_points": ["sorted keys", "leaf links"]
    }]
}))]
pub struct Report {
    pub interview_id: String,
    pub status: InterviewStatus,
    pub position: Position,
    pub lang: Lang,
    /// Mean of every evaluated answer, once there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Whether every answer is evaluated (or failed): the report is final.
    pub complete: bool,
    pub scores_by_kind: BTreeMap<String, GroupScore>,
    pub scores_by_topic: BTreeMap<String, GroupScore>,
    pub scores_by_competency: BTreeMap<String, GroupScore>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub items: Vec<ReportItem>,
}

/// Scores mean and count of a group.
fn group(scores: &[f64]) -> GroupScore {
    GroupScore {
        score: mean_score(scores),
        answers: scores.len(),
    }
}

fn groups(by: &BTreeMap<String, Vec<f64>>) -> BTreeMap<String, GroupScore> {
    by.iter().map(|(k, v)| (k.clone(), group(v))).collect()
}

impl Report {
    /// The report of an interview from its answers, by question id.
    pub fn of(interview: &Interview, mut answers: BTreeMap<String, Answer>) -> Self {
        let mut items = Vec::new();
        let mut by_kind: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut by_topic: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut by_competency: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut strengths = Vec::new();
        let mut improvements = Vec::new();
        for question in &interview.questions {
            let answer = answers.remove(&question.id);
            let evaluation = answer.as_ref().and_then(|a| a.evaluation.clone());
            let status = match answer.as_ref().map(|a| a.evaluation_status) {
                None => ItemStatus::Unanswered,
                Some(EvaluationStatus::Evaluated) if evaluation.is_some() => ItemStatus::Evaluated,
                Some(EvaluationStatus::Failed) => ItemStatus::Failed,
                Some(_) => ItemStatus::Pending,
            };
            if let Some(evaluation) = &evaluation {
                let score = f64::from(evaluation.score);
                by_kind
                    .entry(question.kind.as_str().into())
                    .or_default()
                    .push(score);
                if let Some(topic) = &question.topic {
                    by_topic.entry(topic.clone()).or_default().push(score);
                }
                if let Some(competency) = &question.competency {
                    by_competency
                        .entry(competency.clone())
                        .or_default()
                        .push(score);
                }
                let label = question.label();
                let text = question.text.as_deref().unwrap_or_default();
                if evaluation.score >= 7 {
                    strengths.push(format!("{label}: {}", truncate(text, 120)));
                }
                if evaluation.score <= 6 {
                    improvements.push(format!("{label}: {}", evaluation.feedback));
                }
            }
            items.push(ReportItem {
                question_id: question.id.clone(),
                kind: question.kind,
                question: question.text.clone(),
                topic: question.topic.clone(),
                competency: question.competency.clone(),
                status,
                answer: answer.as_ref().map(|a| a.answer.clone()),
                evaluation,
                can_retry: answer.as_ref().is_some_and(Answer::can_retry),
                failure_reason: answer.and_then(|a| a.failure_reason),
                example_answer: question.example_answer.clone(),
                key_points: question.key_points.clone(),
            });
        }
        let all: Vec<f64> = by_kind.values().flatten().copied().collect();
        let complete = interview.status() == InterviewStatus::Completed
            && items.iter().all(|i| i.status != ItemStatus::Pending);
        Self {
            interview_id: interview.id.clone(),
            status: interview.status(),
            position: interview.position,
            lang: interview.lang,
            score: (!all.is_empty()).then(|| mean_score(&all)),
            complete,
            scores_by_kind: groups(&by_kind),
            scores_by_topic: groups(&by_topic),
            scores_by_competency: groups(&by_competency),
            strengths,
            improvements,
            items,
        }
    }
}

/// The report as Markdown, headings in the interview's language.
pub fn markdown(report: &Report) -> String {
    let ko = report.lang == Lang::Ko;
    let t = |en: &'static str, kr: &'static str| if ko { kr } else { en };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} ({})\n",
        t("Interview report", "면접 리포트"),
        report.position.as_str()
    );
    match report.score {
        Some(score) => {
            let _ = writeln!(
                out,
                "**{}: {score:.1} / 10**{}\n",
                t("Overall score", "종합 점수"),
                if report.complete {
                    ""
                } else {
                    t(" (evaluations still pending)", " (평가 진행 중)")
                }
            );
        }
        None => {
            let _ = writeln!(
                out,
                "_{}_\n",
                t(
                    "No answer has been evaluated yet.",
                    "아직 평가된 답변이 없습니다."
                )
            );
        }
    }
    for (title, groups) in [
        (t("Scores by kind", "유형별 점수"), &report.scores_by_kind),
        (t("Scores by topic", "주제별 점수"), &report.scores_by_topic),
        (
            t("Scores by competency", "역량별 점수"),
            &report.scores_by_competency,
        ),
    ] {
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for (name, group) in groups {
            let _ = writeln!(
                out,
                "- {name}: {:.1} ({} {})",
                group.score,
                group.answers,
                t("answers", "개 답변")
            );
        }
        out.push('\n');
    }
    for (title, lines) in [
        (t("Strengths", "강점"), &report.strengths),
        (t("What to improve", "개선할 점"), &report.improvements),
    ] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for line in lines {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## {}\n", t("Questions", "질문"));
    for item in &report.items {
        let _ = writeln!(
            out,
            "### {}. {}\n",
            item.question_id,
            item.question
                .as_deref()
                .unwrap_or(t("(being written)", "(작성 중)"))
        );
        let status = match item.status {
            ItemStatus::Unanswered => t("not answered", "답변 없음"),
            ItemStatus::Pending => t("evaluation pending", "평가 대기 중"),
            ItemStatus::Evaluated => t("evaluated", "평가 완료"),
            ItemStatus::Failed => t("evaluation failed", "평가 실패"),
        };
        let _ = writeln!(out, "_{status}_\n");
        if let Some(answer) = &item.answer {
            let _ = writeln!(out, "**{}**\n\n{answer}\n", t("Your answer", "내 답변"));
        }
        if let Some(evaluation) = &item.evaluation {
            let _ = writeln!(
                out,
                "**{}: {} / 10** ({})\n\n{}\n",
                t("Score", "점수"),
                evaluation.score,
                evaluation.grader,
                evaluation.feedback
            );
            if !evaluation.key_points_missed.is_empty() {
                let _ = writeln!(out, "{}:", t("Missed key points", "놓친 핵심 포인트"));
                for point in &evaluation.key_points_missed {
                    let _ = writeln!(out, "- {point}");
                }
                out.push('\n');
            }
        }
        if let Some(example) = &item.example_answer {
            let _ = writeln!(
                out,
                "**{}**\n\n{example}\n",
                t("Example answer", "모범 답안")
            );
        }
    }
    out
}
