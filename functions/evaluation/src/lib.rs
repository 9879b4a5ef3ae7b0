//! Evaluations, reports, interview history and progress across interviews: the routes of
//! the evaluation function. The report and progress are built by the domain
//! (`cyi_shared::domain::report`, `progress`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cyi_shared::domain::evaluation::{DimensionScore, Evaluation, Star};
use cyi_shared::domain::interview::InterviewStatus;
use cyi_shared::domain::progress::{Area, AreaKind, AreaPoint, Progress};
use cyi_shared::domain::report::{self, GroupScore, ItemStatus, Report, ReportItem};
use cyi_shared::domain::{Lang, Position};
use cyi_shared::http::CurrentUser;
use cyi_shared::interviews::Interviews;
use cyi_shared::{ApiError, Services};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// The routes of this function.
pub fn router(services: Services) -> Router {
    Router::new()
        .route("/interviews", get(history))
        .route("/interviews/{id}/report", get(report))
        .route("/me/progress", get(my_progress))
        .with_state(services)
}

/// The OpenAPI description of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(history, report, my_progress),
    components(schemas(History, HistoryEntry, Report, ReportItem, GroupScore, ItemStatus,
        Evaluation, DimensionScore, Star, Progress, Area, AreaPoint, AreaKind)),
    tags((name = "reports", description = "Interview history, evaluations and reports"))
)]
pub struct ApiDoc;

#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    id: String,
    status: InterviewStatus,
    position: Position,
    lang: Lang,
    questions: usize,
    answered: usize,
    /// Overall score once every answer is evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: time::OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "0196f1c4c2d38f4a9e5c7d8f9a0b1c2d", "status": "completed", "position": "be", "lang": "en", "questions": 10, "answered": 10, "score": 6.8, "created_at": "2026-11-29T09:32:00Z"}]}))]
pub struct History {
    /// Newest first.
    items: Vec<HistoryEntry>,
}

/// The user's interviews, newest first, with scores when evaluated.
#[utoipa::path(get, path = "/interviews", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = History)))]
async fn history(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<History>, ApiError> {
    let now = interviews.now();
    let items = interviews
        .list(&user.id)
        .await?
        .into_iter()
        .map(|i| HistoryEntry {
            status: i.status(now),
            id: i.id,
            position: i.position,
            lang: i.lang,
            questions: i.questions.len() + i.follow_ups.len(),
            answered: i.answered.len(),
            score: i.score,
            created_at: i.created_at,
        })
        .collect();
    Ok(Json(History { items }))
}

/// Progress across your latest interviews (at most 5 with an evaluated answer): per topic
/// and per competency, the mean score, the trend (the latest interview against the earlier
/// ones) and how many answers back it, weakest first.
#[utoipa::path(get, path = "/me/progress", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = Progress)))]
async fn my_progress(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Progress>, ApiError> {
    Ok(Json(interviews.progress(&user.id).await?))
}

/// The report: every question with the answer, its evaluation and the example answer; scores
/// by kind, topic and competency; strengths; what to improve. Pending items are marked.
/// `Accept: text/markdown` gives it as Markdown.
#[utoipa::path(get, path = "/interviews/{id}/report", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interview id")),
    responses(
        (status = 200, body = Report, content_type = "application/json"),
        (status = 200, description = "The report as Markdown", body = String, content_type = "text/markdown"),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn report(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let report = interviews.report(&user.id, &id).await?;
    let wants_markdown = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/markdown"));
    Ok(if wants_markdown {
        (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            report::markdown(&report),
        )
            .into_response()
    } else {
        Json(report).into_response()
    })
}
