//! CV upload, listing and deletion, and job postings (`jobs`): the routes of the upload
//! function, which takes in what a candidate brings. Rules live in the domain and the
//! `cyi_shared::cvs` and `cyi_shared::postings` use cases; handlers parse, call and map.

pub mod jobs;

use std::collections::BTreeMap;

use axum::body::to_bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cyi_shared::cvs::Cvs;
use cyi_shared::domain::cv::{
    self, CvError, CvRecord, CvSource, CvStatus, FailureReason, MAX_DIRECT_UPLOAD_BYTES,
    MAX_FILE_BYTES,
};
use cyi_shared::http::schema::{Body, one_of, or_null, query, text, whole_number};
use cyi_shared::http::{ApiJson, ApiQuery, CurrentUser, as_whole_number};
use cyi_shared::{ApiError, Services, query_parameters, request_schema};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::schema::Type;
use utoipa::{OpenApi, ToSchema};

/// The routes of this function.
pub fn router(services: Services) -> Router {
    Router::new()
        .route("/cvs", post(create).get(list))
        .route("/cvs/uploads", post(start_upload))
        .route("/cvs/{id}/complete", post(complete_upload))
        .route("/cvs/{id}", get(show).patch(correct).delete(delete))
        .with_state(services.clone())
        .merge(jobs::router(services))
}

/// The OpenAPI description of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(create, list, start_upload, complete_upload, show, correct, delete),
    components(schemas(CvRecord, CvStatus, FailureReason, CvSource, TextCv, TextCorrection, CvList, CvDetail, UploadRequest, UploadTicket)),
    tags((name = "cvs", description = "CV upload and text extraction"))
)]
pub struct ApiDoc;

#[derive(Deserialize)]
pub struct TitleQuery {
    title: Option<String>,
}

query_parameters!(
    TitleQuery,
    [query(
        "title",
        "A title for a PDF sent as the body; blank means none.",
        text(&cv::TITLE)
    )]
);

/// A plain-text CV.
#[derive(Deserialize)]
pub struct TextCv {
    text: Option<String>,
    title: Option<String>,
}

request_schema!(
    TextCv,
    Body::new("A CV as plain text, ready at once. Over 50,000 characters is a 413.")
        .required("text", text(&cv::TEXT))
        .optional("title", or_null(text(&cv::TITLE), Type::String))
        .example(json!({
            "title": "Back-end CV",
            "text": "Ada Lovelace\nBack-end engineer, Acme Cloud Inc.\n- Led the migration of 40 services to Kubernetes"
        }))
);

/// Upload a CV: a file as the body, a PDF or a Word .docx (at most 4 MiB, what API Gateway
/// and Lambda carry once the body is base64-encoded; files up to 10 MiB go through
/// `POST /cvs/uploads`; recognised by its
/// content, whatever the Content-Type says), or JSON `{text}`. Legacy .doc and anything else
/// is a 415.
#[utoipa::path(post, path = "/cvs", tag = "cvs", security(("bearer" = [])), params(TitleQuery),
    request_body(content(
        (TextCv = "application/json"),
        (Vec<u8> = "application/pdf"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    )),
    responses(
        (status = 201, description = "A text CV, ready", body = CvRecord),
        (status = 202, description = "A PDF or .docx, text extraction queued", body = CvRecord),
        (status = 409, description = "20 CVs already", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file over 4 MiB (send files up to 10 MiB through POST /cvs/uploads)", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither a PDF, a Word .docx nor JSON", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<TitleQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    // The query's title is checked whatever the body, so a bad one is never ignored.
    let query_title = title(query.title.as_deref())?;
    if is_json {
        let ApiJson(body) = ApiJson::<TextCv>::from_request(request, &()).await?;
        let title = title(body.title.as_deref())?.or(query_title);
        let Some(text) = body.text else {
            return Err(ApiError::invalid("text", "is required"));
        };
        let record = cvs.create_from_text(&user.id, title, &text).await?;
        return Ok((StatusCode::CREATED, Json(record)).into_response());
    }
    let body = to_bytes(request.into_body(), MAX_DIRECT_UPLOAD_BYTES as usize + 1)
        .await
        .map_err(|_| CvError::TooLargeForDirectUpload)?;
    let record = cvs.create_from_file(&user.id, query_title, body).await?;
    Ok((StatusCode::ACCEPTED, Json(record)).into_response())
}

/// An optional title, checked by the domain's rule.
fn title(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    cv::parse_title(raw).map_err(|e| ApiError::Validation(vec![e]))
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "0196f1c3b1c27e3f8d4b6c7e8f9a0b1c", "title": "Back-end CV", "source": "pdf", "status": "ready", "size_bytes": 48213, "text_chars": 3120, "created_at": "2026-11-29T09:31:00Z", "updated_at": "2026-11-29T09:31:04Z"}]}))]
pub struct CvList {
    /// Newest first.
    items: Vec<CvRecord>,
}

/// The user's CVs, newest first.
#[utoipa::path(get, path = "/cvs", tag = "cvs", security(("bearer" = [])),
    responses((status = 200, body = CvList)))]
async fn list(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<CvList>, ApiError> {
    let items = cvs.list(&user.id).await?;
    Ok(Json(CvList { items }))
}

#[derive(Deserialize)]
pub struct UploadRequest {
    content_length: Option<serde_json::Value>,
    content_type: Option<String>,
    title: Option<String>,
}

request_schema!(
    UploadRequest,
    Body::new("A presigned upload of a PDF or a Word .docx of exactly `content_length` bytes (at most 10 MiB); `content_type` names which (a PDF when absent).")
        .required("content_length", whole_number(1, MAX_FILE_BYTES))
        .optional("content_type", or_null(one_of(&["application/pdf", cv::DOCX_CONTENT_TYPE]), Type::String))
        .optional("title", or_null(text(&cv::TITLE), Type::String))
        .example(json!({"content_length": 48213, "content_type": "application/pdf", "title": "Back-end CV"}))
);

/// A presigned PUT: send the file to `upload_url` with exactly `headers`, then call
/// `POST /cvs/{id}/complete`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0196f1c3b1c27e3f8d4b6c7e8f9a0b1c", "status": "uploading", "upload_url": "https://cvs.example.com/users/0196f1c2/cvs/0196f1c3.pdf?X-Amz-Signature=...", "headers": {"content-type": "application/pdf", "content-length": "48213"}, "expires_at": 1796031960}))]
pub struct UploadTicket {
    id: String,
    status: CvStatus,
    upload_url: String,
    headers: BTreeMap<String, String>,
    /// Unix seconds after which the URL no longer works.
    expires_at: i64,
}

/// Start a presigned upload of a PDF or a Word .docx of a given size.
#[utoipa::path(post, path = "/cvs/uploads", tag = "cvs", security(("bearer" = [])),
    request_body = UploadRequest,
    responses(
        (status = 201, body = UploadTicket),
        (status = 409, description = "20 CVs already", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 10 MiB", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn start_upload(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<UploadRequest>,
) -> Result<(StatusCode, Json<UploadTicket>), ApiError> {
    let title = title(request.title.as_deref())?;
    let length = match request.content_length {
        None | Some(serde_json::Value::Null) => {
            return Err(ApiError::invalid("content_length", "is required"));
        }
        Some(value) => as_whole_number(&value).ok_or_else(|| {
            ApiError::invalid("content_length", "must be a whole number of bytes")
        })?,
    };
    let kind = match request.content_type.as_deref() {
        None => CvSource::Pdf,
        Some(content_type) => CvSource::from_content_type(content_type).ok_or_else(|| {
            ApiError::invalid(
                "content_type",
                format!("must be application/pdf or {}", cv::DOCX_CONTENT_TYPE),
            )
        })?,
    };
    let started = cvs.start_upload(&user.id, title, kind, length).await?;
    let ticket = UploadTicket {
        id: started.record.id,
        status: started.record.status,
        upload_url: started.upload.url,
        headers: started.upload.headers,
        expires_at: started.upload.expires_at,
    };
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// Finish a presigned upload: the file is checked (size, and content of the announced kind:
/// `%PDF-`, or a ZIP holding `word/document.xml`) and extraction queued.
#[utoipa::path(post, path = "/cvs/{id}/complete", tag = "cvs", security(("bearer" = [])),
    params(("id" = String, Path, description = "CV id")),
    responses(
        (status = 202, description = "Extraction queued (or already done)", body = CvRecord),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing uploaded yet", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over 10 MiB; the CV is failed", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The file is not of the announced kind; the CV is failed", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn complete_upload(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<CvRecord>), ApiError> {
    let record = cvs.complete_upload(&user.id, &id).await?;
    match record.failure_reason {
        Some(FailureReason::NotAPdf) => Err(CvError::UnsupportedType(
            "the uploaded file is not the PDF or Word .docx announced for it",
        )
        .into()),
        Some(FailureReason::TooLarge) => Err(CvError::FileTooLarge {
            limit_bytes: MAX_FILE_BYTES,
        }
        .into()),
        _ => Ok((StatusCode::ACCEPTED, Json(record))),
    }
}

/// A CV with its text once extracted.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0196f1c3b1c27e3f8d4b6c7e8f9a0b1c", "title": "Back-end CV", "source": "text", "status": "ready", "size_bytes": 95, "text_chars": 95, "created_at": "2026-11-29T09:31:00Z", "updated_at": "2026-11-29T09:31:00Z", "text": "Ada Lovelace\nBack-end engineer, Acme Cloud Inc.\n- Led the migration of 40 services to Kubernetes"}))]
pub struct CvDetail {
    #[serde(flatten)]
    record: CvRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

/// A CV: metadata, status, failure reason and extracted text.
#[utoipa::path(get, path = "/cvs/{id}", tag = "cvs", security(("bearer" = [])),
    params(("id" = String, Path, description = "CV id")),
    responses(
        (status = 200, body = CvDetail),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn show(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CvDetail>, ApiError> {
    let record = cvs.get(&user.id, &id).await?;
    let text = match record.status {
        CvStatus::Ready => cvs.text(&user.id, &id).await?,
        _ => None,
    };
    Ok(Json(CvDetail { record, text }))
}

/// A corrected text for a ready CV.
#[derive(Deserialize)]
pub struct TextCorrection {
    text: Option<String>,
}

request_schema!(
    TextCorrection,
    Body::new("The CV's corrected text, under the rules of a text CV (at most 50,000 characters).")
        .required("text", text(&cv::TEXT))
        .example(json!({
            "text": "Ada Lovelace\nBack-end engineer, Acme Cloud Inc.\n- Led the migration of 40 services to Kubernetes"
        }))
);

/// Correct a ready CV's text (extracted from a file, or given): what later interviews are
/// written from. Interviews already created keep the text they were created with.
#[utoipa::path(patch, path = "/cvs/{id}", tag = "cvs", security(("bearer" = [])),
    params(("id" = String, Path, description = "CV id")),
    request_body = TextCorrection,
    responses(
        (status = 200, description = "The CV with its new text", body = CvDetail),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The CV is not ready (still processing, or failed)", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text breaks the rules of a text CV", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn correct(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TextCorrection>,
) -> Result<Json<CvDetail>, ApiError> {
    let Some(text) = body.text else {
        return Err(ApiError::invalid("text", "is required"));
    };
    let record = cvs.replace_text(&user.id, &id, &text).await?;
    let text = cvs.text(&user.id, &id).await?;
    Ok(Json(CvDetail { record, text }))
}

/// Delete a CV: the file and everything extracted from it.
#[utoipa::path(delete, path = "/cvs/{id}", tag = "cvs", security(("bearer" = [])),
    params(("id" = String, Path, description = "CV id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn delete(
    State(cvs): State<Cvs>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    cvs.delete(&user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use cyi_shared::domain::cv::{DOCX_CONTENT_TYPE, MAX_DIRECT_UPLOAD_BYTES};
    use serde_json::json;

    /// What Lambda accepts as a synchronous invocation's payload: 6 MB, read the stricter
    /// (decimal) way.
    const LAMBDA_PAYLOAD_BYTES: usize = 6_000_000;

    /// The API Gateway (HTTP API, payload format 2.0) event a direct upload of `body_bytes`
    /// arrives in: the body base64-encoded, with generous headers and the longest title.
    fn event(body_bytes: usize) -> String {
        let body = STANDARD.encode(vec![0xA5u8; body_bytes]);
        let title = "가".repeat(200);
        let query = format!("title={}", "%EA%B0%80".repeat(200));
        let token = format!("Bearer {}", "x".repeat(600));
        json!({
            "version": "2.0",
            "routeKey": "POST /cvs",
            "rawPath": "/cvs",
            "rawQueryString": query,
            "headers": {
                "accept": "application/json, application/problem+json",
                "accept-encoding": "gzip, deflate, br, zstd",
                "accept-language": "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7",
                "authorization": token,
                "content-length": body_bytes.to_string(),
                "content-type": DOCX_CONTENT_TYPE,
                "host": "abcdef1234.execute-api.ap-northeast-2.amazonaws.com",
                "origin": "https://interview.example.com",
                "referer": "https://interview.example.com/cvs",
                "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "x-amzn-trace-id": "Root=1-67890abc-1234567890abcdef12345678",
                "x-forwarded-for": "203.0.113.10, 198.51.100.7",
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
                "x-request-id": "6f1c2a8b-47d2-4e9c-8a5b-6d7e8f9a0b1c",
            },
            "queryStringParameters": { "title": title },
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "abcdef1234",
                "domainName": "abcdef1234.execute-api.ap-northeast-2.amazonaws.com",
                "domainPrefix": "abcdef1234",
                "http": {
                    "method": "POST",
                    "path": "/cvs",
                    "protocol": "HTTP/1.1",
                    "sourceIp": "203.0.113.10",
                    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                },
                "requestId": "JKJaXmPLvHcESHA=",
                "routeKey": "POST /cvs",
                "stage": "$default",
                "time": "29/Nov/2026:09:31:00 +0000",
                "timeEpoch": 1796031060000u64,
            },
            "body": body,
            "isBase64Encoded": true,
        })
        .to_string()
    }

    #[test]
    fn the_largest_direct_upload_fits_a_lambda_event() {
        let largest = event(MAX_DIRECT_UPLOAD_BYTES as usize).len();
        assert!(
            largest <= LAMBDA_PAYLOAD_BYTES,
            "{largest} bytes for a {MAX_DIRECT_UPLOAD_BYTES}-byte body"
        );
        // The headroom is real: a body 20% larger (the 5 MiB the service once took directly)
        // would not fit.
        let larger = event(MAX_DIRECT_UPLOAD_BYTES as usize * 6 / 5).len();
        assert!(larger > LAMBDA_PAYLOAD_BYTES, "{larger}");
        eprintln!("the largest direct upload's event: {largest} of {LAMBDA_PAYLOAD_BYTES} bytes");
    }
}
