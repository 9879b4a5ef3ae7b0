//! Interviews: starting one under the quota, the next question and answers; and practice on
//! the bank. The routes of the questions function; the rules live in the domain and the
//! `cyi_shared::interviews` use cases.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cyi_shared::domain::bank::{Browse, CURSOR, Listed, PAGE_SIZE, all_topics};
use cyi_shared::domain::focus::WeakFocus;
use cyi_shared::domain::interview::{
    ANSWER, Answer, DEFAULT_FOLLOW_UPS, EvaluationStatus, Interview, InterviewError,
    InterviewQuestion, InterviewStatus, MAX_FOLLOW_UPS, NewInterview, Next, PENDING_RETRY_SECONDS,
    PersonalStatus, parse_answer,
};
use cyi_shared::domain::posting::TargetJob;
use cyi_shared::domain::{COMPETENCIES, Difficulty, FieldError, Lang, Position, QuestionKind};
use cyi_shared::http::schema::{Body, any_text, one_of, or_null, query, text, whole_number};
use cyi_shared::http::{ApiJson, ApiQuery, CurrentUser, as_whole_number};
use cyi_shared::interviews::Interviews;
use cyi_shared::storage::bank::BankCatalog;
use cyi_shared::{ApiError, Services, query_parameters, request_schema};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::{OpenApi, ToSchema};

/// The routes of this function.
pub fn router(services: Services) -> Router {
    Router::new()
        .route("/interviews", post(create))
        .route("/interviews/{id}", get(show))
        .route("/interviews/{id}/next", get(next))
        .route(
            "/interviews/{id}/answers/{question_id}/retries",
            post(retry),
        )
        .route("/interviews/{id}/answers/{question_id}", put(answer))
        .route("/questions", get(browse))
        .route("/questions/{id}", get(bank_question))
        .with_state(services)
}

/// The OpenAPI description of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(create, show, next, answer, retry, browse, bank_question),
    components(schemas(BankQuestionView, QuestionPage, NewInterviewRequest, InterviewView, QuestionView, NextView, AnswerRequest, AnswerReceipt, RetryReceipt,
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
    /// For a follow-up: the question it follows.
    #[serde(skip_serializing_if = "Option::is_none")]
    follows: Option<String>,
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
            follows: question.follows.clone(),
            answered: interview.answered.contains(&question.id),
        }
    }
}

/// What comes next: a question, a wait, or the end.
#[derive(Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
#[schema(example = json!({"status": "question", "id": "q2", "kind": "behavioral", "text": "Tell me about a time you changed a plan that was already under way.", "competency": "adaptability", "answered": false}))]
pub enum NextView {
    /// The next unanswered question.
    Question(QuestionView),
    /// Only personal questions or follow-ups remain and they are still being written; see
    /// Retry-After.
    Pending,
    /// Every question is answered.
    Complete,
}

impl NextView {
    fn of(interview: &Interview, now: time::OffsetDateTime) -> Self {
        match interview.next(now) {
            Next::Question(question) => Self::Question(QuestionView::of(question, interview)),
            Next::Pending => Self::Pending,
            Next::Complete => Self::Complete,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0196f1c4c2d38f4a9e5c7d8f9a0b1c2d", "status": "in_progress", "position": "be", "lang": "en", "cv_id": "0196f1c3b1c27e3f8d4b6c7e8f9a0b1c", "personal_status": "pending", "questions": [{"id": "q1", "kind": "technical", "text": "How does a B-tree index speed up a range query?", "topic": "databases", "difficulty": "mid", "answered": false}, {"id": "q2", "kind": "personal", "answered": false}], "next": {"status": "question", "id": "q1", "kind": "technical", "text": "How does a B-tree index speed up a range query?", "topic": "databases", "difficulty": "mid", "answered": false}, "created_at": "2026-11-29T09:32:00Z"}))]
pub struct InterviewView {
    id: String,
    status: InterviewStatus,
    position: Position,
    lang: Lang,
    cv_id: String,
    personal_status: PersonalStatus,
    /// Follow-ups it may ask (0: none).
    follow_ups: u8,
    /// For practice on weak areas: the topics chosen, with their scores and the answers
    /// behind them; none while there were not enough answers (the usual spread).
    #[serde(skip_serializing_if = "Option::is_none")]
    focus: Option<WeakFocus>,
    /// The job posting it is aimed at, with which of its requirements the CV shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    job: Option<TargetJob>,
    questions: Vec<QuestionView>,
    next: NextView,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: time::OffsetDateTime,
}

impl InterviewView {
    /// The interview as it stands at `now`; follow-ups come after the planned questions.
    fn of(interview: &Interview, now: time::OffsetDateTime) -> Self {
        Self {
            id: interview.id.clone(),
            status: interview.status(now),
            position: interview.position,
            lang: interview.lang,
            cv_id: interview.cv_id.clone(),
            personal_status: interview.personal_status,
            job: interview.job.clone(),
            questions: interview
                .questions
                .iter()
                .chain(&interview.follow_ups)
                .map(|q| QuestionView::of(q, interview))
                .collect(),
            follow_ups: interview.follow_up_limit,
            focus: interview.focus.clone(),
            next: NextView::of(interview, now),
            created_at: interview.created_at,
        }
    }
}

/// Start an interview from a ready CV. Takes one unit of the account's quota.
#[utoipa::path(post, path = "/interviews", tag = "interviews", security(("bearer" = [])),
    request_body = NewInterviewRequest,
    responses(
        (status = 201, body = InterviewView),
        (status = 409, description = "The CV is not yours or not ready (`cv_not_found`, `cv_not_ready`), or the job posting is not yours (`job_not_found`)", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 429, description = "quota_exhausted", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<NewInterviewRequest>,
) -> Result<(StatusCode, Json<InterviewView>), ApiError> {
    let request = request.parse()?;
    let interview = interviews.create(&user.id, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(InterviewView::of(&interview, interviews.now())),
    ))
}

/// An interview and where it stands.
#[utoipa::path(get, path = "/interviews/{id}", tag = "interviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interview id")),
    responses(
        (status = 200, body = InterviewView),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn show(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<InterviewView>, ApiError> {
    let interview = interviews.get(&user.id, &id).await?;
    Ok(Json(InterviewView::of(&interview, interviews.now())))
}

/// The next question (a follow-up that is due comes first), `pending` (with Retry-After)
/// while personal questions or follow-ups are being written, or `complete`.
#[utoipa::path(get, path = "/interviews/{id}/next", tag = "interviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interview id")),
    responses(
        (status = 200, body = NextView),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn next(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let interview = interviews.get(&user.id, &id).await?;
    let view = NextView::of(&interview, interviews.now());
    Ok(match view {
        NextView::Pending => (
            [(header::RETRY_AFTER, PENDING_RETRY_SECONDS.to_string())],
            Json(view),
        )
            .into_response(),
        other => Json(other).into_response(),
    })
}

/// The raw request; every field is checked and every problem reported at once.
#[derive(Debug, Default, Deserialize)]
pub struct NewInterviewRequest {
    pub cv_id: Option<Value>,
    pub position: Option<Value>,
    pub lang: Option<Value>,
    pub technical: Option<Value>,
    pub behavioral: Option<Value>,
    pub personal: Option<Value>,
    pub job_id: Option<Value>,
    pub follow_ups: Option<Value>,
    pub focus: Option<Value>,
}

/// How many questions of each kind an interview may ask, and how many it asks by default.
const TECHNICAL: (u64, u64, u64) = (1, 10, 3);
const BEHAVIORAL: (u64, u64, u64) = (0, 5, 2);
const PERSONAL: (u64, u64, u64) = (0, 5, 5);
const FOLLOW_UPS: (u64, u64, u64) = (0, MAX_FOLLOW_UPS as u64, DEFAULT_FOLLOW_UPS as u64);

fn count_schema((min, max, default): (u64, u64, u64), what: &str) -> ObjectBuilder {
    or_null(whole_number(min, max), Type::Integer)
        .description(Some(format!("{what}; {default} when left out.")))
}

request_schema!(
    NewInterviewRequest,
    Body::new("An interview from one of your ready CVs. Takes one unit of the quota.")
        .required("cv_id", any_text())
        .required("position", one_of(&Position::ALL.map(Position::as_str)))
        .required("lang", one_of(&Lang::ALL.map(Lang::as_str)))
        .optional("technical", count_schema(TECHNICAL, "Technical questions"))
        .optional(
            "behavioral",
            count_schema(BEHAVIORAL, "Behavioral questions")
        )
        .optional(
            "personal",
            count_schema(PERSONAL, "Personal questions written from the CV")
        )
        .optional(
            "follow_ups",
            count_schema(
                FOLLOW_UPS,
                "Follow-up questions it may ask, one at most per question, on weak answers that miss something; 0 turns them off"
            )
        )
        .optional(
            "focus",
            or_null(one_of(&["weak"]), Type::String).description(Some(
                "`weak`: practice on your weakest topics (with at least 3 answers behind them \
                 in your latest interviews); every technical question comes from them, or from \
                 the usual spread while there are not enough answers yet. The interview's \
                 `focus` says which topics it chose and their scores."
                    .to_owned()
            ))
        )
        .optional(
            "job_id",
            or_null(any_text(), Type::String).description(Some(
                "A job posting of yours to aim the interview at: personal questions about \
                 its requirements that the CV does not show and that it does, technical \
                 questions leaning to the topics it names, and a fit section in the report."
                    .to_owned()
            ))
        )
        .example(json!({
            "cv_id": "0196f1c2a8b47d2e9c3a5b6d7e8f9a0b",
            "position": "be",
            "lang": "en",
            "technical": 3,
            "behavioral": 2,
            "personal": 5
        }))
);

impl NewInterviewRequest {
    pub fn parse(self) -> Result<NewInterview, InterviewError> {
        let mut errors = Vec::new();
        let text = |field: &str, value: Option<Value>, errors: &mut Vec<FieldError>| match value {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => {
                errors.push(FieldError::new(field, "is required"));
                None
            }
            Some(_) => {
                errors.push(FieldError::new(field, "must be a string"));
                None
            }
        };
        let count = |field: &str,
                     value: Option<Value>,
                     (min, max, default): (u64, u64, u64),
                     errors: &mut Vec<FieldError>| {
            match value {
                None | Some(Value::Null) => Some(default as usize),
                Some(n) if as_whole_number(&n).is_some_and(|n| (min..=max).contains(&n)) => {
                    as_whole_number(&n).map(|n| n as usize)
                }
                Some(_) => {
                    errors.push(FieldError::new(
                        field,
                        format!("must be a whole number from {min} to {max}"),
                    ));
                    None
                }
            }
        };
        let cv_id = text("cv_id", self.cv_id, &mut errors);
        let position = text("position", self.position, &mut errors).and_then(|p| {
            Position::parse(&p).or_else(|| {
                errors.push(FieldError::new(
                    "position",
                    "must be one of ai, be, fe, mobile",
                ));
                None
            })
        });
        let lang = text("lang", self.lang, &mut errors).and_then(|l| {
            Lang::parse(&l).or_else(|| {
                errors.push(FieldError::new("lang", "must be en or ko"));
                None
            })
        });
        let technical = count("technical", self.technical, TECHNICAL, &mut errors);
        let behavioral = count("behavioral", self.behavioral, BEHAVIORAL, &mut errors);
        let personal = count("personal", self.personal, PERSONAL, &mut errors);
        let follow_ups = count("follow_ups", self.follow_ups, FOLLOW_UPS, &mut errors);
        let focus_weak = match self.focus {
            None | Some(Value::Null) => false,
            Some(Value::String(focus)) if focus == "weak" => true,
            Some(_) => {
                errors.push(FieldError::new("focus", "must be weak, or left out"));
                false
            }
        };
        let job_id = match self.job_id {
            None | Some(Value::Null) => None,
            value => text("job_id", value, &mut errors),
        };
        match (
            cv_id, position, lang, technical, behavioral, personal, follow_ups,
        ) {
            (
                Some(cv_id),
                Some(position),
                Some(lang),
                Some(technical),
                Some(behavioral),
                Some(personal),
                Some(follow_ups),
            ) if errors.is_empty() => Ok(NewInterview {
                cv_id,
                position,
                lang,
                technical,
                behavioral,
                personal,
                job_id,
                follow_ups: follow_ups as u8,
                focus_weak,
            }),
            _ => Err(InterviewError::Invalid(errors)),
        }
    }
}

#[derive(Deserialize)]
pub struct AnswerRequest {
    answer: Option<String>,
}

request_schema!(
    AnswerRequest,
    Body::new("An answer: stored at once, evaluated by the worker.")
        .required("answer", text(&ANSWER))
        .example(json!({"answer": "An index is a sorted structure beside the table ..."}))
);

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"question_id": "q1", "evaluation_status": "queued", "submitted_at": "2026-11-29T09:33:10Z"}))]
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
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 409, description = "already_answered or question_not_ready", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn answer(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
    Path((id, question_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Result<(StatusCode, Json<AnswerReceipt>), ApiError> {
    let answer =
        parse_answer(request.answer.as_deref()).map_err(|e| ApiError::Validation(vec![e]))?;
    let stored = interviews
        .submit_answer(&user.id, &id, &question_id, answer)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(AnswerReceipt::from(stored))))
}

/// A retry as stored: its attempt, queued for evaluation.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"question_id": "q2", "attempt": 1, "evaluation_status": "queued"}))]
pub struct RetryReceipt {
    question_id: String,
    /// 1 or 2.
    attempt: u8,
    evaluation_status: EvaluationStatus,
}

/// Answer a question again once its first answer is evaluated, at most twice; the attempt
/// is evaluated the same way and the report shows it beside the first, with the change in
/// score and in key points covered.
#[utoipa::path(post, path = "/interviews/{id}/answers/{question_id}/retries", tag = "interviews", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Interview id"),
        ("question_id" = String, Path, description = "Question id, e.g. q1"),
    ),
    request_body = AnswerRequest,
    responses(
        (status = 202, description = "Stored; evaluation queued", body = RetryReceipt),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 409, description = "not_evaluated_yet or retry_limit_reached", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn retry(
    State(interviews): State<Interviews>,
    CurrentUser(user): CurrentUser,
    Path((id, question_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Result<(StatusCode, Json<RetryReceipt>), ApiError> {
    let answer =
        parse_answer(request.answer.as_deref()).map_err(|e| ApiError::Validation(vec![e]))?;
    let retry = interviews
        .retry(&user.id, &id, &question_id, answer)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RetryReceipt {
            question_id: retry.answer.question_id,
            attempt: retry.attempt,
            evaluation_status: retry.answer.evaluation_status,
        }),
    ))
}

/// Filters of the practice browser; every one optional.
#[derive(Deserialize)]
pub struct BrowseQuery {
    kind: Option<String>,
    position: Option<String>,
    lang: Option<String>,
    topic: Option<String>,
    difficulty: Option<String>,
    competency: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

const KINDS: [&str; 2] = ["technical", "behavioral"];

query_parameters!(
    BrowseQuery,
    [
        query(
            "kind",
            "Which questions: `technical` (the default) or `behavioral`.",
            one_of(&KINDS)
        ),
        query(
            "position",
            "Technical questions of one position.",
            one_of(&Position::ALL.map(Position::as_str))
        ),
        query(
            "lang",
            "The language of the texts; `en` by default.",
            one_of(&Lang::ALL.map(Lang::as_str))
        ),
        query(
            "topic",
            "Technical questions of one topic (a topic of another position matches nothing).",
            one_of(&all_topics())
        ),
        query(
            "difficulty",
            "Technical questions of one level.",
            one_of(&Difficulty::ALL.map(Difficulty::as_str))
        ),
        query(
            "competency",
            "Behavioral questions of one competency.",
            one_of(&COMPETENCIES)
        ),
        query(
            "limit",
            "Questions per page.",
            whole_number(PAGE_SIZE.0 as u64, PAGE_SIZE.1 as u64)
        ),
        query(
            "cursor",
            "The `next_cursor` of the page before.",
            text(&CURSOR)
        ),
    ]
);

/// A bank question for practice; fields that do not apply are absent.
#[derive(Serialize, ToSchema)]
pub struct BankQuestionView {
    id: String,
    kind: QuestionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    competency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    difficulty: Option<Difficulty>,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    example_answer: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    key_points: Vec<String>,
}

impl BankQuestionView {
    fn of(question: &Listed<'_>, lang: Lang) -> Self {
        match question {
            Listed::Technical(q) => {
                let text = q.text(lang);
                Self {
                    id: q.id.clone(),
                    kind: QuestionKind::Technical,
                    position: Some(q.position),
                    topic: Some(q.topic.clone()),
                    competency: None,
                    difficulty: Some(q.difficulty),
                    text: text.text.clone(),
                    example_answer: Some(text.example_answer.clone()),
                    key_points: text.key_points.clone(),
                }
            }
            Listed::Behavioral(q) => Self {
                id: q.id.clone(),
                kind: QuestionKind::Behavioral,
                position: None,
                topic: None,
                competency: Some(q.competency.clone()),
                difficulty: None,
                text: q.text(lang).to_owned(),
                example_answer: None,
                key_points: Vec::new(),
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "be-databases-001", "kind": "technical", "position": "be", "topic": "databases", "difficulty": "junior", "text": "What does an index cost on writes?", "example_answer": "Every insert and update must also change each index ...", "key_points": ["extra writes per index", "space", "choose indexes by queries"]}], "next_cursor": "be-databases-001"}))]
pub struct QuestionPage {
    items: Vec<BankQuestionView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

fn parse_lang(raw: Option<&str>) -> Result<Lang, ApiError> {
    match raw {
        None => Ok(Lang::En),
        Some(raw) => Lang::parse(raw).ok_or_else(|| ApiError::invalid("lang", "must be en or ko")),
    }
}

/// Practice mode: bank questions with their example answers, filtered and paged server-side.
#[utoipa::path(get, path = "/questions", tag = "interviews", security(("bearer" = [])), params(BrowseQuery),
    responses(
        (status = 200, body = QuestionPage),
        (status = 422, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn browse(
    State(bank): State<BankCatalog>,
    // Practice is for signed-in users; who they are does not change the answer.
    _user: CurrentUser,
    ApiQuery(query): ApiQuery<BrowseQuery>,
) -> Result<Json<QuestionPage>, ApiError> {
    let mut errors = Vec::new();
    let mut check = |field: &str, ok: bool, message: &str| {
        if !ok {
            errors.push(FieldError::new(field, message));
        }
    };
    let behavioral = query.kind.as_deref() == Some(KINDS[1]);
    check(
        "kind",
        query.kind.as_deref().is_none_or(|k| KINDS.contains(&k)),
        "must be technical or behavioral",
    );
    let position = query.position.as_deref().map(Position::parse);
    check(
        "position",
        !matches!(position, Some(None)),
        "must be one of ai, be, fe, mobile",
    );
    let difficulty = query.difficulty.as_deref().map(Difficulty::parse);
    check(
        "difficulty",
        !matches!(difficulty, Some(None)),
        "must be junior, mid or senior",
    );
    let lang = query.lang.as_deref().map(Lang::parse);
    check("lang", !matches!(lang, Some(None)), "must be en or ko");
    let (fewest, most, usual) = PAGE_SIZE;
    let limit = query.limit.as_deref().map(|l| {
        l.parse::<usize>()
            .ok()
            .filter(|l| (fewest..=most).contains(l))
    });
    check(
        "limit",
        !matches!(limit, Some(None)),
        &format!("must be a whole number from {fewest} to {most}"),
    );
    check(
        "cursor",
        query.cursor.as_deref().is_none_or(|c| CURSOR.accepts(c)),
        "must be a next_cursor this API returned",
    );
    check(
        "topic",
        query
            .topic
            .as_deref()
            .is_none_or(|t| all_topics().contains(&t)),
        "is not a topic of any position",
    );
    check(
        "competency",
        query
            .competency
            .as_deref()
            .is_none_or(|c| COMPETENCIES.contains(&c)),
        "is not a competency",
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let filter = Browse {
        behavioral,
        position: position.flatten(),
        topic: query.topic,
        difficulty: difficulty.flatten(),
        competency: query.competency,
        after: query.cursor,
        limit: limit.flatten().unwrap_or(usual),
    };
    let lang = lang.flatten().unwrap_or(Lang::En);
    let bank = bank.get().await.map_err(ApiError::unexpected)?;
    let (page, next) = bank.browse(&filter);
    Ok(Json(QuestionPage {
        items: page.iter().map(|q| BankQuestionView::of(q, lang)).collect(),
        next_cursor: next,
    }))
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

query_parameters!(
    LangQuery,
    [query(
        "lang",
        "The language of the texts; `en` by default.",
        one_of(&Lang::ALL.map(Lang::as_str))
    )]
);

/// One bank question with its example answer.
#[utoipa::path(get, path = "/questions/{id}", tag = "interviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Bank question id"), LangQuery),
    responses(
        (status = 200, body = BankQuestionView),
        (status = 404, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn bank_question(
    State(bank): State<BankCatalog>,
    _user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<LangQuery>,
) -> Result<Json<BankQuestionView>, ApiError> {
    let lang = parse_lang(query.lang.as_deref())?;
    let bank = bank.get().await.map_err(ApiError::unexpected)?;
    let found = bank
        .technical
        .iter()
        .find(|q| q.id == id)
        .map(Listed::Technical)
        .or_else(|| {
            bank.behavioral
                .iter()
                .find(|q| q.id == id)
                .map(Listed::Behavioral)
        });
    match found {
        Some(question) => Ok(Json(BankQuestionView::of(&question, lang))),
        None => Err(ApiError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported() {
        let request = NewInterviewRequest {
            cv_id: None,
            position: Some("devops".into()),
            lang: Some(Value::from(3)),
            technical: Some(Value::from(11)),
            behavioral: Some(Value::from(-1)),
            personal: Some(Value::from(2.5)),
            job_id: Some(Value::from(7)),
            follow_ups: Some(Value::from(6)),
            focus: Some(Value::from("strong")),
        };
        let Err(InterviewError::Invalid(errors)) = request.parse() else {
            panic!("expected 422")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "cv_id",
                "position",
                "lang",
                "technical",
                "behavioral",
                "personal",
                "follow_ups",
                "focus",
                "job_id"
            ]
        );
    }
}
