//! The one error type of the HTTP functions and its one mapping to RFC 9457 problem+json:
//! each feature's errors become an `ApiError` here, and nowhere else.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::current_request_id;
pub use crate::domain::FieldError;
use crate::domain::account::AccountError;
use crate::domain::cv::CvError;
use crate::domain::interview::InterviewError;
use crate::domain::posting::PostingError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request body is malformed: {0}")]
    BadRequest(String),
    #[error("authentication is required: {0}")]
    Unauthorized(String),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A state conflict; `code` is a stable machine-readable reason.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The body, a file or a text is over its limit, which the detail names.
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    TooManyRequests {
        code: &'static str,
        detail: String,
        /// When trying again can succeed; `None` when it cannot by waiting (a used-up quota).
        retry_after_seconds: Option<u64>,
    },
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A state conflict under a stable code, described by the feature's own error.
    fn conflict(code: &'static str, error: &impl std::fmt::Display) -> Self {
        Self::Conflict {
            code,
            detail: error.to_string(),
        }
    }

    pub fn unexpected(error: impl Into<anyhow::Error>) -> Self {
        Self::Unexpected(error.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable problem type; clients switch on it.
    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict { code, .. } | Self::TooManyRequests { code, .. } => code,
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"type": "/problems/validation_failed", "title": "Unprocessable Entity", "status": 422, "detail": "the request has invalid fields", "code": "validation_failed", "request_id": "6f1c2a8b-47d2-4e9c-8a5b-6d7e8f9a0b1c", "errors": [{"field": "email", "message": "must be an email address like name@example.com"}]}))]
pub struct Problem {
    /// Stable problem type, `/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable reason, the last segment of `type`.
    pub code: String,
    /// The id of the request, also in the `x-request-id` header and the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            // Internals stay in the logs; the client gets the request id to quote.
            Self::Unexpected(error) => {
                tracing::error!(error = ?error, "request failed unexpectedly");
                "An unexpected error occurred; quote the request id when reporting it.".to_owned()
            }
            other => other.to_string(),
        };
        let code = self.code();
        let problem = Problem {
            problem_type: format!("/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            request_id: current_request_id(),
            errors: match self {
                Self::Validation(ref errors) => errors.clone(),
                _ => Vec::new(),
            },
        };
        let mut response = (status, Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        match self {
            Self::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::TooManyRequests {
                retry_after_seconds: Some(seconds),
                ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            _ => {}
        }
        response
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Invalid(errors) => Self::Validation(errors),
            AccountError::UsernameTaken => Self::conflict("username_taken", &error),
            AccountError::EmailTaken => Self::conflict("email_taken", &error),
            AccountError::BadCredentials
            | AccountError::Unauthenticated(_)
            | AccountError::TokenRevoked => Self::Unauthorized(error.to_string()),
            AccountError::TooManyLogins {
                retry_after_seconds,
            } => Self::TooManyRequests {
                code: "too_many_login_attempts",
                detail: error.to_string(),
                retry_after_seconds: Some(retry_after_seconds),
            },
            AccountError::Unexpected(cause) => Self::Unexpected(cause),
        }
    }
}

impl From<CvError> for ApiError {
    fn from(error: CvError) -> Self {
        match error {
            CvError::Invalid(errors) => Self::Validation(errors),
            CvError::NotFound => Self::NotFound,
            CvError::LimitReached => Self::conflict("cv_limit_reached", &error),
            CvError::UploadMissing => Self::conflict("upload_missing", &error),
            CvError::NotReady(_) => Self::conflict("cv_not_ready", &error),
            CvError::FileTooLarge { .. } | CvError::TooLargeForDirectUpload => {
                Self::PayloadTooLarge(error.to_string())
            }
            CvError::UnsupportedType(detail) => Self::UnsupportedMediaType(detail.to_owned()),
            CvError::Unexpected(cause) => Self::Unexpected(cause),
        }
    }
}

impl From<InterviewError> for ApiError {
    fn from(error: InterviewError) -> Self {
        match error {
            InterviewError::Invalid(errors) => Self::Validation(errors),
            InterviewError::NotFound => Self::NotFound,
            InterviewError::CvNotFound => Self::conflict("cv_not_found", &error),
            InterviewError::JobNotFound => Self::conflict("job_not_found", &error),
            InterviewError::CvNotReady(_) => Self::conflict("cv_not_ready", &error),
            InterviewError::QuestionNotReady => Self::conflict("question_not_ready", &error),
            InterviewError::AlreadyAnswered => Self::conflict("already_answered", &error),
            InterviewError::NotEvaluatedYet => Self::conflict("not_evaluated_yet", &error),
            InterviewError::RetryLimitReached => Self::conflict("retry_limit_reached", &error),
            // Waiting does not bring interviews back: no Retry-After.
            InterviewError::QuotaExhausted { .. } => Self::TooManyRequests {
                code: "quota_exhausted",
                detail: error.to_string(),
                retry_after_seconds: None,
            },
            InterviewError::Unexpected(cause) => Self::Unexpected(cause),
        }
    }
}

impl From<PostingError> for ApiError {
    fn from(error: PostingError) -> Self {
        match error {
            PostingError::Invalid(errors) => Self::Validation(errors),
            PostingError::NotFound => Self::NotFound,
            PostingError::LimitReached => Self::conflict("job_limit_reached", &error),
            PostingError::Unexpected(cause) => Self::Unexpected(cause),
        }
    }
}
