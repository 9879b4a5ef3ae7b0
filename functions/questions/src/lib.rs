//! Interviews: starting one under the quota, the next question and answers. The routes of the
//! questions function; the rules live in `cyi_shared::interviews`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cyi_shared::accounts::CurrentUser;
use cyi_shared::bank::{Difficulty, Lang, Position};
use cyi_shared::http::ApiJson;
use cyi_shared::interviews::{
    self, Answer, EvaluationStatus, Interview, InterviewQuestion, InterviewStatus,
    NewInterviewRequest, Next, PENDING_RETRY_SECONDS, PersonalStatus, QuestionKind,
};
use cyi_shared::{ApiError, Services};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// The routes of this function.
pub fn router(services: Services) -> Router {
    Router::new()
        .route("/interviews", post(create))
        .route("/interviews/{id}", get(show))
        .route("/interviews/{id}/next", get(next))
        .route("/interviews/{id}/answers/{question_id}", put(answer))
        .with_state(services)
}

/// The OpenAPI description of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(create, show, next, answer),
    components(schemas(NewInterviewRequest, InterviewView, QuestionView, NextView, AnswerRequest, AnswerReceipt,
        QuestionKind, InterviewStatus, PersonalStatus, EvaluationStatus, Position, Lang, Difficulty)),
    tags((name = "interviews", description = "Interviews: questions and answers"))
)]
pub struct ApiDoc;

/// A question as the candidate sees it: no example answer, no grading points.
#[derive(Serialize, ToSchema)]
pub struct QuestionView {
    id: String,
    kind: QuestionKind,
    /// Absent while a personal question is being written.
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    competency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    difficulty: Option<Difficulty>,
    answered: bool,
}

impl QuestionView {
    fn of(question: &InterviewQuestion, interview: &Interview) -> Self {
        Self {
            id: question.id.clone(),
            kind: question.kind,
            text: question.text.clone(),
            topic: question.topic.clone(),
            competency: question.competency.clone(),
            difficulty: question.difficulty,
            answered: interview.answered.contains(&question.id),
        }
    }
}

/// What comes next: a question, a wait, or the end.
#[derive(Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum NextView {
    /// The next unanswered question.
    Question(QuestionView),
    /// Only personal questions remain and they are still being written; see Retry-After.
    Pending,
    /// Every question is answered.
    Complete,
}

impl NextView {
    fn of(interview: &Interview) -> Self {
        match interview.next() {
            Next::Question(question) => Self::Question(QuestionView::of(question, interview)),
            Next::Pending => Self::Pending,
            Next::Complete => Self::Complete,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InterviewView {
    id: String,
    status: InterviewStatus,
    position: Position,
    lang: Lang,
    cv_id: String,
    personal_status: PersonalStatus,
    questions: Vec<QuestionView>,
    next: NextView,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: time::OffsetDateTime,
}

impl From<&Interview> for InterviewView {
    fn from(interview: &Interview) -> Self {
        Self {
            id: interview.id.clone(),
            status: interview.status(),
            position: interview.position,
            lang: interview.lang,
            cv_id: interview.cv_id.clone(),
            personal_status: interview.personal_status,
            questions: interview
                .questions
                .iter()
                .map(|q| QuestionView::of(q, interview))
                .collect(),
            next: NextView::of(interview),
            created_at: interview.created_at,
        }
    }
}

/// Start an interview from a ready CV. Takes one unit of the account's quota.
#[utoipa::path(post, path = "/interviews", tag = "interviews", security(("bearer" = [])),
    request_body = NewInterviewRequest,
    responses(
        (status = 201, body = InterviewView),
        (status = 409, description = "The CV is not yours or not ready", body = cyi_shared::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = cyi_shared::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "quota_exhausted", body = cyi_shared::error::Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(services): State<Services>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<NewInterviewRequest>,
) -> Result<(StatusCode, Json<InterviewView>), ApiError> {
    let request = request.parse()?;
    let interview = interviews::create(&services, &user.id, request).await?;
    Ok((StatusCode::CREATED, Json(InterviewView::from(&interview))))
}

/// An interview and where it stands.
#[utoipa::path(get, path = "/interviews/{id}", tag = "interviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interview id")),
    responses(
        (status = 200, body = InterviewView),
        (status = 404, body = cyi_shared::error::Problem, content_type = "application/problem+json"),
    ))]
async fn show(
    State(services): State<Services>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<InterviewView>, ApiError> {
    let interview = interviews::get(&services, &user.id, &id).await?;
    Ok(Json(InterviewView::from(&interview)))
}

/// The next unanswered question, `pending` (with Retry-After) while personal questions are
/// being written, or `complete`.
#[utoipa::path(get, path = "/interviews/{id}/next", tag = "interviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interview id")),
    responses(
        (status = 200, body = NextView),
        (status = 404, body = cyi_shared::error::Problem, content_type = "application/problem+json"),
    ))]
async fn next(
    State(services): State<Services>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let interview = interviews::get(&services, &user.id, &id).await?;
    let view = NextView::of(&interview);
    Ok(match view {
        NextView::Pending => (
            [(header::RETRY_AFTER, PENDING_RETRY_SECONDS.to_string())],
            Json(view),
        )
            .into_response(),
        other => Json(other).into_response(),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// 1-5,000 characters.
    #[schema(required)]
    answer: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerReceipt {
    question_id: String,
    evaluation_status: EvaluationStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    submitted_at: time::OffsetDateTime,
}

impl From<Answer> for AnswerReceipt {
    fn from(answer: Answer) -> Self {
        Self {
            question_id: answer.question_id,
            evaluation_status: answer.evaluation_status,
            submitted_at: answer.submitted_at,
        }
    }
}

/// Answer a question: stored at once, evaluation queued. The same answer again returns the
/// same receipt and queues nothing; a different answer to an answered question is a 409.
#[utoipa::path(put, path = "/interviews/{id}/answers/{question_id}", tag = "interviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interview id"), ("question_id" = String, Path, description = "Question id, e.g. q1")),
    request_body = AnswerRequest,
    responses(
        (status = 202, body = AnswerReceipt),
        (status = 404, body = cyi_shared::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "already_answered or question_not_ready", body = cyi_shared::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = cyi_shared::error::Problem, content_type = "application/problem+json"),
    ))]
async fn answer(
    State(services): State<Services>,
    CurrentUser(user): CurrentUser,
    Path((id, question_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Result<(StatusCode, Json<AnswerReceipt>), ApiError> {
    let answer = interviews::parse_answer(request.answer.as_deref())?;
    let stored = interviews::submit_answer(&services, &user.id, &id, &question_id, answer).await?;
    Ok((StatusCode::ACCEPTED, Json(AnswerReceipt::from(stored))))
}
