//! The worker's LLM jobs under redelivery and failure, on both adapter families.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{Api, TestUser};
use async_trait::async_trait;
use cyi_shared::domain::evaluation::{
    Evaluation, EvaluationRequest, PersonalQuestion, PersonalQuestionsRequest,
};
use cyi_shared::domain::follow_up::{FollowUp, FollowUpRequest};
use cyi_shared::domain::job::Job;
use cyi_shared::llm::offline::OfflineLlm;
use cyi_shared::ports::{Llm, LlmError};
use cyi_shared::testing::Family;
use serde_json::{Value, json};

api_cases!(
    three_deliveries_make_one_call_and_one_result,
    the_last_failed_delivery_leaves_a_visible_failure,
    personal_questions_that_cannot_be_written_are_skipped,
);

/// The offline model, counting calls; or a model that is down.
struct Model {
    calls: AtomicUsize,
    down: bool,
}

#[async_trait]
impl Llm for Model {
    async fn personal_questions(
        &self,
        request: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down {
            return Err(LlmError::Unavailable("every provider failed".into()));
        }
        OfflineLlm.personal_questions(request).await
    }
    async fn evaluate(&self, request: &EvaluationRequest) -> Result<Evaluation, LlmError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down {
            return Err(LlmError::Unavailable("every provider failed".into()));
        }
        OfflineLlm.evaluate(request).await
    }
    async fn follow_up(&self, request: &FollowUpRequest) -> Result<FollowUp, LlmError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down {
            return Err(LlmError::Unavailable("every provider failed".into()));
        }
        OfflineLlm.follow_up(request).await
    }
}

/// A user with an interview (one technical question, `personal` personal ones) and the model.
async fn setup(
    mut family: Family,
    down: bool,
    personal: u64,
) -> (Api, Arc<Model>, String, String, String) {
    let model = Arc::new(Model {
        calls: AtomicUsize::new(0),
        down,
    });
    family.services.llm = model.clone();
    let full = cyi_shared::domain::bank::Bank::read_dir(&cyi_infra::default_bank_dir()).unwrap();
    let small = cyi_shared::domain::bank::Bank {
        technical: full.technical[..3].to_vec(),
        competencies: full.competencies.clone(),
        behavioral: full.behavioral[..6].to_vec(),
    };
    let api = Api::start(family, &[]).await;
    api.load_bank(&small).await;
    let TestUser { id: user_id, token } = api.user("worker").await;
    let cv: Value = api
        .create_text_cv(&token, "Built payment APIs in Rust at Acme Inc.", None)
        .await
        .json()
        .await
        .unwrap();
    let position = small.technical[0].position.as_str();
    let interview: Value = api
        .create_interview(&token, &json!({"cv_id": cv["id"], "position": position, "lang": "en", "technical": 1, "behavioral": 0, "personal": personal, "follow_ups": 0}))
        .await
        .json()
        .await
        .unwrap();
    let interview_id = interview["id"].as_str().unwrap().to_owned();
    (api, model, user_id, token, interview_id)
}

async fn three_deliveries_make_one_call_and_one_result(family: Family) {
    let (api, model, user_id, token, interview_id) = setup(family, false, 0).await;
    let submitted = api
        .answer(
            &token,
            &interview_id,
            "q1",
            "A B-tree index keeps keys sorted.",
        )
        .await;
    assert_eq!(submitted.status(), 202);
    let job = Job::EvaluateAnswer {
        user_id,
        interview_id: interview_id.clone(),
        question_id: "q1".into(),
    };
    let services = api.services().clone();
    let deliveries: Vec<_> = (1..=3)
        .map(|n| {
            let (services, job) = (services.clone(), job.clone());
            tokio::spawn(async move { cyi_worker::run_job(&services, job, n).await.is_ok() })
        })
        .collect();
    for delivery in deliveries {
        delivery.await.unwrap();
    }
    // A delivery that met another in progress is retried later; by then the work is done.
    for n in 4..=5 {
        assert!(cyi_worker::run_job(&services, job.clone(), n).await.is_ok());
    }
    assert_eq!(model.calls.load(Ordering::SeqCst), 1);
    let report: Value = api
        .report(&token, &interview_id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["items"][0]["status"], "evaluated");
    assert_eq!(report["complete"], true);
}

async fn the_last_failed_delivery_leaves_a_visible_failure(family: Family) {
    let (api, model, user_id, token, interview_id) = setup(family, true, 0).await;
    api.answer(&token, &interview_id, "q1", "An answer.").await;
    let job = Job::EvaluateAnswer {
        user_id,
        interview_id: interview_id.clone(),
        question_id: "q1".into(),
    };
    let services = api.services().clone();
    let report = || async {
        api.report(&token, &interview_id)
            .await
            .json::<Value>()
            .await
            .unwrap()
    };
    // The queue in use dead-letters after `last` receives: every delivery before it is retried.
    let last = services.queue.max_receives();
    for receive in 1..last {
        assert!(
            cyi_worker::run_job(&services, job.clone(), receive)
                .await
                .is_err(),
            "delivery {receive} is retried"
        );
        assert_eq!(report().await["items"][0]["status"], "pending");
    }
    assert!(
        cyi_worker::run_job(&services, job.clone(), last)
            .await
            .is_err(),
        "the last delivery settles the job, and its message goes on to the dead-letter queue"
    );
    let report = report().await;
    assert_eq!(report["items"][0]["status"], "failed");
    assert_eq!(report["items"][0]["failure_reason"], "model_unavailable");
    assert_eq!(report["complete"], true);
    assert_eq!(model.calls.load(Ordering::SeqCst), last as usize);
}

async fn personal_questions_that_cannot_be_written_are_skipped(family: Family) {
    let (api, _, user_id, token, interview_id) = setup(family, true, 2).await;
    let job = Job::GeneratePersonalQuestions {
        user_id,
        interview_id: interview_id.clone(),
    };
    let services = api.services().clone();
    assert!(
        cyi_worker::run_job(&services, job.clone(), 1)
            .await
            .is_err()
    );
    let last = services.queue.max_receives();
    assert!(cyi_worker::run_job(&services, job, last).await.is_err());
    let view: Value = api
        .interview(&token, &interview_id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["personal_status"], "failed");
    api.answer(&token, &interview_id, "q1", "An answer.").await;
    let next: Value = api.next(&token, &interview_id).await.json().await.unwrap();
    assert_eq!(next["status"], "complete");
}
