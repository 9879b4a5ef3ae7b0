//! The LLM jobs: writing an interview's personal questions and evaluating an answer. Each is
//! idempotent under redelivery: the domain state says whether the work is done, and a run
//! record (in progress with a lease, then completed, both expiring) keeps two deliveries from
//! calling the model at once.

use cyi_shared::accounts::user_partition;
use cyi_shared::interviews::{
    self, Answer, EvaluationStatus, Interview, PersonalStatus, QuestionKind, answer_key,
    interview_key,
};
use cyi_shared::llm::{EvaluationRequest, PersonalQuestionsRequest};
use cyi_shared::ports::{Condition, Item, ItemKey, StoreError, Update};
use cyi_shared::{ApiError, Services, cvs};
use serde_json::json;

use crate::JobFailure;

/// How long a run may hold its claim before another delivery may take over.
const LEASE_SECONDS: i64 = 15 * 60;
/// How long a completed run is remembered.
const DONE_SECONDS: i64 = 7 * 24 * 3600;

enum Claim {
    Claimed,
    AlreadyDone,
}

fn run_key(user_id: &str, run: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("JOBRUN#{run}"))
}

async fn claim(services: &Services, key: &ItemKey) -> Result<Claim, JobFailure> {
    let now = services.clock.unix_now();
    let record = Item::new(
        key.clone(),
        json!({"state": "in_progress"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    )
    .expiring_at(now + LEASE_SECONDS);
    match services.store.put(record, Some(Condition::Absent)).await {
        Ok(()) => Ok(Claim::Claimed),
        Err(StoreError::ConditionFailed) => {
            let existing = services.store.get(key).await.map_err(ApiError::from)?;
            match existing.as_ref().and_then(|i| i.str_attr("state")) {
                Some("completed") => Ok(Claim::AlreadyDone),
                _ => Err(JobFailure::Busy),
            }
        }
        Err(other) => Err(ApiError::from(other).into()),
    }
}

async fn complete(services: &Services, key: &ItemKey) -> Result<(), JobFailure> {
    let until = services.clock.unix_now() + DONE_SECONDS;
    services
        .store
        .update(
            key,
            vec![Update::set("state", "completed"), Update::ExpireAt(until)],
            None,
        )
        .await
        .map_err(ApiError::from)?;
    Ok(())
}

/// Lets a later delivery retry at once instead of waiting out the lease.
async fn release(services: &Services, key: &ItemKey) {
    let _ = services
        .store
        .delete(key, Some(Condition::equals("state", "in_progress")))
        .await;
}

/// Writes the personal questions of an interview.
pub async fn generate_personal_questions(
    services: &Services,
    user_id: &str,
    interview_id: &str,
    last_attempt: bool,
) -> Result<(), JobFailure> {
    let interview = match interviews::get(services, user_id, interview_id).await {
        Ok(interview) => interview,
        Err(ApiError::NotFound) => return Ok(()),
        Err(other) => return Err(other.into()),
    };
    if interview.personal_status != PersonalStatus::Pending {
        return Ok(());
    }
    let key = run_key(user_id, &format!("personal#{interview_id}"));
    if let Claim::AlreadyDone = claim(services, &key).await? {
        return Ok(());
    }
    let result = write_personal_questions(services, user_id, interview).await;
    match &result {
        Ok(()) => complete(services, &key).await?,
        Err(failure) if last_attempt || !failure.is_retryable() => {
            tracing::warn!(
                interview_id,
                ?failure,
                "personal questions could not be written"
            );
            mark_personal_failed(services, user_id, interview_id).await?;
            complete(services, &key).await?;
            return Ok(());
        }
        Err(_) => release(services, &key).await,
    }
    result
}

async fn write_personal_questions(
    services: &Services,
    user_id: &str,
    mut interview: Interview,
) -> Result<(), JobFailure> {
    let cv_text = cvs::text(services, user_id, &interview.cv_id)
        .await?
        .unwrap_or_default();
    let slots: Vec<usize> = interview
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind == QuestionKind::Personal)
        .map(|(i, _)| i)
        .collect();
    let request = PersonalQuestionsRequest {
        cv_text,
        position: interview.position,
        lang: interview.lang,
        count: slots.len(),
    };
    let written = services
        .llm
        .personal_questions(&request)
        .await
        .map_err(JobFailure::Llm)?;
    for (slot, question) in slots.into_iter().zip(written) {
        interview.questions[slot].text = Some(question.text);
        interview.questions[slot].criteria = question.criteria;
    }
    let questions = serde_json::to_value(&interview.questions).map_err(ApiError::unexpected)?;
    let result = services
        .store
        .update(
            &interview_key(user_id, &interview.id),
            vec![
                Update::Set("questions".into(), questions),
                Update::set("personal_status", "ready"),
            ],
            Some(Condition::equals("personal_status", "pending")),
        )
        .await;
    match result {
        Ok(_) | Err(StoreError::ConditionFailed) => Ok(()),
        Err(other) => Err(ApiError::from(other).into()),
    }
}

async fn mark_personal_failed(
    services: &Services,
    user_id: &str,
    interview_id: &str,
) -> Result<(), JobFailure> {
    let result = services
        .store
        .update(
            &interview_key(user_id, interview_id),
            vec![Update::set("personal_status", "failed")],
            Some(Condition::equals("personal_status", "pending")),
        )
        .await;
    match result {
        Ok(_) | Err(StoreError::ConditionFailed) => Ok(()),
        Err(other) => Err(ApiError::from(other).into()),
    }
}

/// Evaluates one answer.
pub async fn evaluate_answer(
    services: &Services,
    user_id: &str,
    interview_id: &str,
    question_id: &str,
    last_attempt: bool,
) -> Result<(), JobFailure> {
    let key = answer_key(user_id, interview_id, question_id);
    let Some(item) = services.store.get(&key).await.map_err(ApiError::from)? else {
        return Ok(());
    };
    let answer: Answer = item.decode().map_err(ApiError::from)?;
    if matches!(
        answer.evaluation_status,
        EvaluationStatus::Evaluated | EvaluationStatus::Failed
    ) {
        return Ok(());
    }
    let run = run_key(user_id, &format!("evaluate#{interview_id}#{question_id}"));
    if let Claim::AlreadyDone = claim(services, &run).await? {
        return Ok(());
    }
    let interview = interviews::get(services, user_id, interview_id).await?;
    let result = evaluate(services, &interview, &answer).await;
    let outcome = match result {
        Ok(evaluation) => vec![
            Update::Set("evaluation".into(), evaluation),
            Update::set("evaluation_status", "evaluated"),
        ],
        Err(failure) if last_attempt || !failure.is_retryable() => {
            tracing::warn!(
                interview_id,
                question_id,
                ?failure,
                "an answer could not be evaluated"
            );
            vec![
                Update::set("evaluation_status", "failed"),
                Update::set("failure_reason", failure.reason()),
            ]
        }
        Err(failure) => {
            release(services, &run).await;
            return Err(failure);
        }
    };
    let stored = services
        .store
        .update(&key, outcome, Some(Condition::Present))
        .await;
    match stored {
        Ok(_) | Err(StoreError::ConditionFailed) => {}
        Err(other) => return Err(ApiError::from(other).into()),
    }
    complete(services, &run).await?;
    record_score_when_done(services, user_id, &interview).await
}

async fn evaluate(
    services: &Services,
    interview: &Interview,
    answer: &Answer,
) -> Result<serde_json::Value, JobFailure> {
    let Some(question) = interview.question(&answer.question_id) else {
        return Err(JobFailure::Invalid(
            "the answer's question is not in the interview".into(),
        ));
    };
    let competency = match &question.competency {
        Some(id) => {
            let bank = services.bank.get(services.store.as_ref()).await?;
            bank.competencies
                .iter()
                .find(|c| &c.id == id)
                .map(|c| c.text(interview.lang).clone())
        }
        None => None,
    };
    let request = EvaluationRequest {
        lang: interview.lang,
        kind: question.kind,
        question: question.text.clone().unwrap_or_default(),
        answer: answer.answer.clone(),
        example_answer: question.example_answer.clone(),
        key_points: question.key_points.clone(),
        competency,
        criteria: question.criteria.clone(),
    };
    let evaluation = services
        .llm
        .evaluate(&request)
        .await
        .map_err(JobFailure::Llm)?;
    serde_json::to_value(evaluation).map_err(|e| ApiError::unexpected(e).into())
}

/// Once every question is answered and every answer evaluated (or failed), the interview
/// gets its overall score: the mean of the evaluated answers' scores.
async fn record_score_when_done(
    services: &Services,
    user_id: &str,
    interview: &Interview,
) -> Result<(), JobFailure> {
    let interview = interviews::get(services, user_id, &interview.id).await?;
    if interview.status() != interviews::InterviewStatus::Completed {
        return Ok(());
    }
    let answers = interviews::answers(services, user_id, &interview.id).await?;
    let settled = answers.values().all(|a| {
        matches!(
            a.evaluation_status,
            EvaluationStatus::Evaluated | EvaluationStatus::Failed
        )
    });
    if !settled {
        return Ok(());
    }
    let scores: Vec<f64> = answers
        .values()
        .filter_map(|a| a.evaluation.as_ref()?.get("score")?.as_f64())
        .collect();
    if scores.is_empty() {
        return Ok(());
    }
    let mean = (scores.iter().sum::<f64>() / scores.len() as f64 * 10.0).round() / 10.0;
    services
        .store
        .update(
            &interview_key(user_id, &interview.id),
            vec![Update::set("score", mean)],
            Some(Condition::Present),
        )
        .await
        .map_err(ApiError::from)?;
    Ok(())
}
