//! Evaluations: what the grader (a model or the offline grader) is asked, what it answers,
//! the rules an answer of its must meet, and the one way scores are averaged.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::bank::CompetencyText;
use super::posting::TargetJob;
use super::vocabulary::{Lang, Position, QuestionKind};

/// One of a personal question's three criteria.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    pub keyword: String,
    pub description: String,
}

/// Why the grader (a model or a chain of them) gave no usable result.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("every provider failed: {0}")]
    Unavailable(String),
    #[error("the model's reply was invalid: {0}")]
    Invalid(String),
}

impl LlmError {
    /// Whether a later delivery of the job may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// The mean of scores, rounded to one decimal: the one rounding every score shown uses.
pub fn mean_score(scores: &[f64]) -> f64 {
    let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
    (mean * 10.0).round() / 10.0
}

#[derive(Clone, Debug)]
pub struct PersonalQuestionsRequest {
    pub cv_text: String,
    pub position: Position,
    pub lang: Lang,
    pub count: usize,
    /// The job posting the interview is aimed at, with its text.
    pub job: Option<JobBrief>,
}

/// A job posting as the question writer sees it: what the CV shows of each requirement, and
/// the text as pasted.
#[derive(Clone, Debug)]
pub struct JobBrief {
    pub target: TargetJob,
    pub text: String,
}

/// A question written from the CV, with the three criteria its answer is graded on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonalQuestion {
    pub text: String,
    pub criteria: Vec<Criterion>,
    /// The id of the job posting's requirement it probes, when the interview is aimed at one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
}

/// What an answer is evaluated against.
#[derive(Clone, Debug)]
pub struct EvaluationRequest {
    pub lang: Lang,
    pub kind: QuestionKind,
    pub question: String,
    pub answer: String,
    /// Technical questions.
    pub example_answer: Option<String>,
    pub key_points: Vec<String>,
    /// Behavioral questions: the competency and its rubric.
    pub competency: Option<CompetencyText>,
    /// Personal questions.
    pub criteria: Vec<Criterion>,
}

/// A scored dimension of an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DimensionScore {
    /// `accuracy`, `completeness`, `depth`, `clarity`; `rubric`; or a criterion's keyword.
    pub name: String,
    pub score: u8,
    pub max: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which parts of the STAR structure a behavioral answer has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Star {
    pub situation: bool,
    pub task: bool,
    pub action: bool,
    pub result: bool,
}

/// The evaluation of one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    /// Who graded: `offline` or the provider's name.
    pub grader: String,
    /// Overall, 1-10.
    pub score: u8,
    pub dimensions: Vec<DimensionScore>,
    #[serde(default)]
    pub key_points_covered: Vec<String>,
    #[serde(default)]
    pub key_points_missed: Vec<String>,
    /// Sentences quoted from the answer that support the scores.
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub star: Option<Star>,
    /// In the interview's language.
    pub feedback: String,
}

/// Checks questions a model wrote: the count, three criteria each, sane lengths.
pub fn validate_personal_questions(
    questions: &[PersonalQuestion],
    request: &PersonalQuestionsRequest,
) -> Result<(), String> {
    let count = request.count;
    if let Some(job) = &request.job {
        validate_job_plan(questions, &job.target, count)?;
    }
    if questions.len() != count {
        return Err(format!(
            "expected {count} questions, got {}",
            questions.len()
        ));
    }
    for (i, q) in questions.iter().enumerate() {
        let length = q.text.chars().count();
        if !(10..=400).contains(&length) {
            return Err(format!(
                "question {} has {length} characters, not 10-400",
                i + 1
            ));
        }
        if q.criteria.len() != 3 {
            return Err(format!(
                "question {} has {} criteria, not 3",
                i + 1,
                q.criteria.len()
            ));
        }
        for c in &q.criteria {
            if c.keyword.trim().is_empty() || c.keyword.chars().count() > 60 {
                return Err(format!(
                    "question {}: a criterion keyword is empty or over 60 characters",
                    i + 1
                ));
            }
            if c.description.trim().is_empty() || c.description.chars().count() > 300 {
                return Err(format!(
                    "question {}: a criterion description is empty or over 300 characters",
                    i + 1
                ));
            }
        }
    }
    Ok(())
}

/// Checks that questions for an interview aimed at a job follow its plan: the planned number
/// about gaps and about matches, and no requirement the posting does not have.
fn validate_job_plan(
    questions: &[PersonalQuestion],
    job: &TargetJob,
    count: usize,
) -> Result<(), String> {
    let (gaps_wanted, matches_wanted) = job.question_plan(count);
    let aimed_at = |wanted: Vec<&str>| {
        questions
            .iter()
            .filter(|q| {
                q.requirement
                    .as_deref()
                    .is_some_and(|id| wanted.contains(&id))
            })
            .count()
    };
    for q in questions {
        if let Some(id) = &q.requirement
            && !job.requirements.iter().any(|r| &r.requirement.id == id)
        {
            return Err(format!("requirement {id} is not one of the posting's"));
        }
    }
    let gaps = aimed_at(job.gaps().map(|r| r.id.as_str()).collect());
    let matches = aimed_at(job.matches().map(|r| r.id.as_str()).collect());
    if gaps < gaps_wanted || matches < matches_wanted {
        return Err(format!(
            "expected at least {gaps_wanted} gap and {matches_wanted} match questions, got {gaps} and {matches}"
        ));
    }
    Ok(())
}

/// Checks an evaluation: score ranges, the dimensions its kind needs, bounded text.
pub fn validate_evaluation(
    evaluation: &Evaluation,
    request: &EvaluationRequest,
) -> Result<(), String> {
    if !(1..=10).contains(&evaluation.score) {
        return Err(format!("score {} is not 1-10", evaluation.score));
    }
    for d in &evaluation.dimensions {
        if d.max == 0 || d.score > d.max || d.score == 0 {
            return Err(format!(
                "dimension {} scores {} of {}",
                d.name, d.score, d.max
            ));
        }
    }
    let names: Vec<&str> = evaluation
        .dimensions
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let required: Vec<String> = match request.kind {
        QuestionKind::Technical => ["accuracy", "completeness", "depth", "clarity"]
            .map(String::from)
            .to_vec(),
        QuestionKind::Behavioral => vec!["rubric".to_owned()],
        QuestionKind::Personal => request.criteria.iter().map(|c| c.keyword.clone()).collect(),
    };
    for name in &required {
        if !names.contains(&name.as_str()) {
            return Err(format!("the `{name}` dimension is missing"));
        }
    }
    if evaluation.feedback.trim().is_empty() || evaluation.feedback.chars().count() > 2_000 {
        return Err("feedback is empty or over 2,000 characters".into());
    }
    if evaluation.evidence.len() > 5 || evaluation.evidence.iter().any(|e| e.chars().count() > 400)
    {
        return Err("at most 5 quotes of at most 400 characters".into());
    }
    for point in evaluation
        .key_points_covered
        .iter()
        .chain(&evaluation.key_points_missed)
    {
        if !request.key_points.contains(point) {
            return Err(format!("`{point}` is not one of the key points"));
        }
    }
    Ok(())
}
