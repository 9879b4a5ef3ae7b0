//! Job postings: the routes that save, list, show and delete the openings a candidate
//! prepares for. Rules live in `cyi_shared::domain::posting` and the `Postings` use cases.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use cyi_shared::domain::posting::{self, NewPosting, PostingRecord, Requirement, RequirementKind};
use cyi_shared::http::schema::{Body, or_null, text};
use cyi_shared::http::{ApiJson, CurrentUser};
use cyi_shared::postings::Postings;
use cyi_shared::{ApiError, Services, request_schema};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::schema::Type;
use utoipa::{OpenApi, ToSchema};

pub fn router(services: Services) -> Router {
    Router::new()
        .route("/jobs", post(create).get(list))
        .route("/jobs/{id}", get(show).delete(delete))
        .with_state(services)
}

#[derive(OpenApi)]
#[openapi(
    paths(create, list, show, delete),
    components(schemas(PostingRecord, Requirement, RequirementKind, NewJob, JobList, JobDetail)),
    tags((name = "jobs", description = "Job postings to aim interviews at"))
)]
pub struct ApiDoc;

/// A job posting as pasted.
#[derive(Deserialize)]
pub struct NewJob {
    title: Option<String>,
    company: Option<String>,
    text: Option<String>,
}

request_schema!(
    NewJob,
    Body::new("A job posting: its title, the company if you like, and its text as pasted (the service never fetches a URL). At most 20 per account.")
        .required("title", text(&posting::TITLE))
        .optional("company", or_null(text(&posting::COMPANY), Type::String))
        .required("text", text(&posting::TEXT))
        .example(json!({
            "title": "Backend Engineer, Payments",
            "company": "Acme Pay",
            "text": "We are looking for a backend engineer with 5+ years of experience. You will run our payment services on Kubernetes and Kafka."
        }))
);

/// Save a job posting; its requirements (skills, years of experience, domains, in English or
/// Korean) are read from the text at once.
#[utoipa::path(post, path = "/jobs", tag = "jobs", security(("bearer" = [])),
    request_body = NewJob,
    responses(
        (status = 201, description = "Saved, with the requirements read from it", body = PostingRecord),
        (status = 409, description = "20 job postings already (`job_limit_reached`)", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(postings): State<Postings>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<NewJob>,
) -> Result<(StatusCode, Json<PostingRecord>), ApiError> {
    let new = NewPosting::parse(
        body.title.as_deref(),
        body.company.as_deref(),
        body.text.as_deref(),
    )?;
    let record = postings.create(&user.id, new).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[derive(Serialize, ToSchema)]
pub struct JobList {
    /// Newest first.
    items: Vec<PostingRecord>,
}

/// The user's job postings, newest first.
#[utoipa::path(get, path = "/jobs", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = JobList)))]
async fn list(
    State(postings): State<Postings>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<JobList>, ApiError> {
    let items = postings.list(&user.id).await?;
    Ok(Json(JobList { items }))
}

/// A job posting with its text.
#[derive(Serialize, ToSchema)]
pub struct JobDetail {
    #[serde(flatten)]
    record: PostingRecord,
    text: String,
}

/// A job posting: its requirements and text.
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path, description = "Job posting id")),
    responses(
        (status = 200, body = JobDetail),
        (status = 404, description = "No job posting of yours has that id", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn show(
    State(postings): State<Postings>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<JobDetail>, ApiError> {
    let record = postings.get(&user.id, &id).await?;
    let text = postings.text(&user.id, &id).await?;
    Ok(Json(JobDetail { record, text }))
}

/// Delete a job posting. Interviews aimed at it keep what they copied when they started.
#[utoipa::path(delete, path = "/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path, description = "Job posting id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No job posting of yours has that id", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn delete(
    State(postings): State<Postings>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    postings.delete(&user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
