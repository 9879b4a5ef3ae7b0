//! Faults between the steps of every flow that queues work: creating an interview (its
//! personal questions), answering (the evaluation), uploading a CV directly and through a
//! presigned upload (its extraction). Each flow is first run clean to list its steps (every
//! call to a port, the request's and the worker's); then, for every step and every fault
//! kind, the flow runs again on a fresh user with that one fault injected, the user retries
//! a request that failed (as the page offers), the worker drains the queue, and the sweep
//! runs on a manual clock until nothing is left to do. Every case must end with every piece
//! of work final (`done` or a visible `failed`), no more model calls than work plus the one a
//! fault may have cut off, every quota unit and CV slot matching what the user holds, exactly
//! the one thing the user asked for, and no pending-work marker left behind.

use std::sync::Arc;
use std::time::Duration;

use crate::common::{docx, test_bank};
use cyi_shared::Services;
use cyi_shared::domain::cv::{CvSource, CvStatus};
use cyi_shared::domain::evaluation::{
    Evaluation, EvaluationRequest, PersonalQuestion, PersonalQuestionsRequest,
};
use cyi_shared::domain::follow_up::{FollowUp, FollowUpRequest};
use cyi_shared::domain::interview::{EvaluationStatus, NewInterview, PersonalStatus};
use cyi_shared::domain::job::{Job, MAX_SWEEP_SENDS, WORK_LEASE_SECONDS};
use cyi_shared::domain::{Lang, Position};
use cyi_shared::ports::item_store::query_all;
use cyi_shared::ports::{Llm, LlmError, QueueSettings};
use cyi_shared::storage::accounts::AccountStore;
use cyi_shared::storage::cvs::CvStore;
use cyi_shared::storage::interviews::InterviewStore;
use cyi_shared::storage::layout::{cv_blob_key, pending_user_prefix};
use cyi_shared::sweep::SweepReport;
use cyi_shared::testing::faults::{Fault, Faults, Port, Step};
use cyi_shared::testing::{Family, ManualClock};

/// Failed jobs come back at once, so a case never waits on a visibility timeout; three
/// receives, then the dead-letter queue.
const REDELIVER_AT_ONCE: QueueSettings = QueueSettings {
    visibility_timeout: Duration::ZERO,
    max_receives: 3,
};

/// One test per family for each case, on queues that redeliver at once.
macro_rules! fault_cases {
    ($($case:ident),+ $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let family = cyi_shared::testing::embedded(super::REDELIVER_AT_ONCE).await;
                    super::$case(family, "embedded").await;
                }
            )+
        }
        mod aws {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let family = cyi_shared::testing::aws(super::REDELIVER_AT_ONCE).await;
                    super::$case(family, "aws").await;
                }
            )+
        }
    };
}

fault_cases!(
    every_fault_at_every_step_ends_in_a_final_state,
    work_whose_job_is_lost_every_time_is_given_up_and_can_be_tried_again,
    a_batch_fails_only_its_poison_message_which_ends_in_the_dead_letter_queue,
    a_job_failing_every_delivery_shows_failed_and_replaying_it_is_harmless,
    jobs_for_deleted_data_are_dropped_quietly_and_leave_nothing,
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    CreateInterview,
    SubmitAnswer,
    UploadCv,
    CompleteUpload,
}

impl Flow {
    const ALL: [Self; 4] = [
        Self::CreateInterview,
        Self::SubmitAnswer,
        Self::UploadCv,
        Self::CompleteUpload,
    ];
}

/// What a flow starts from: a user, and the CV or interview it works on.
struct Setup {
    user_id: String,
    cv_id: String,
    interview_id: String,
}

/// The services twice over the same adapters and clock: with faults for the flow, without
/// for setting up and looking.
struct Harness {
    faulty: Services,
    plain: Services,
    faults: Arc<Faults>,
    clock: ManualClock,
    _family: Family,
}

/// What one case found, for the summary.
#[derive(Default)]
struct Totals {
    cases: usize,
    requests_failed: usize,
    swept: usize,
    given_up: usize,
    extra_model_calls: usize,
}

impl Harness {
    async fn new(mut family: Family) -> Self {
        let clock = ManualClock::at(time::OffsetDateTime::now_utc().unix_timestamp());
        family.services.clock = Arc::new(clock.clone());
        let plain = family.services.clone();
        cyi_shared::storage::bank::load(plain.store.as_ref(), &test_bank())
            .await
            .unwrap();
        // Read once, as every instance does at its first interview, so no case's steps
        // depend on whether the cache was warm.
        plain.bank_catalog().get().await.unwrap();
        let faults = Faults::new(Duration::from_millis(5));
        Self {
            faulty: faults.wrap(&plain),
            plain,
            faults,
            clock,
            _family: family,
        }
    }

    async fn setup(&self, flow: Flow, n: usize) -> Setup {
        let signed_up = self
            .plain
            .accounts()
            .sign_up(cyi_shared::domain::account::SignUp {
                username: cyi_shared::domain::account::Username::parse(&format!("fault{n}"))
                    .unwrap(),
                name: cyi_shared::domain::account::DisplayName::parse("Fault Case").unwrap(),
                email: cyi_shared::domain::account::Email::parse(&format!("fault{n}@example.com"))
                    .unwrap(),
                password: cyi_shared::domain::account::NewPassword::parse(
                    "password",
                    crate::common::PASSWORD,
                )
                .unwrap(),
            })
            .await
            .unwrap();
        let mut setup = Setup {
            user_id: signed_up.id,
            cv_id: String::new(),
            interview_id: String::new(),
        };
        let user = setup.user_id.as_str();
        match flow {
            Flow::CreateInterview | Flow::SubmitAnswer => {
                let cv = self
                    .plain
                    .cvs()
                    .create_from_text(user, None, "Built payment APIs in Rust at Acme Inc.")
                    .await
                    .unwrap();
                setup.cv_id = cv.id;
            }
            Flow::UploadCv => {}
            Flow::CompleteUpload => {
                let file = docx();
                let started = self
                    .plain
                    .cvs()
                    .start_upload(user, None, CvSource::Docx, file.len() as u64)
                    .await
                    .unwrap();
                let key = cv_blob_key(user, &started.record.id);
                let docx_type = CvSource::Docx.content_type().unwrap();
                self.plain
                    .blobs
                    .put(&key, file.into(), docx_type)
                    .await
                    .unwrap();
                setup.cv_id = started.record.id;
            }
        }
        if flow == Flow::SubmitAnswer {
            let interview = self
                .plain
                .interviews()
                .create(user, new_interview(&setup.cv_id, 0))
                .await
                .unwrap();
            setup.interview_id = interview.id;
        }
        setup
    }

    /// The request of a flow, on the faulty services.
    async fn request(&self, flow: Flow, setup: &Setup) -> Result<(), String> {
        let user = setup.user_id.as_str();
        match flow {
            Flow::CreateInterview => self
                .faulty
                .interviews()
                .create(user, new_interview(&setup.cv_id, 1))
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
            Flow::SubmitAnswer => self
                .faulty
                .interviews()
                .submit_answer(user, &setup.interview_id, "q1", "Keys stay sorted.".into())
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
            Flow::UploadCv => self
                .faulty
                .cvs()
                .create_from_file(user, None, docx().into())
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
            Flow::CompleteUpload => self
                .faulty
                .cvs()
                .complete_upload(user, &setup.cv_id)
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
        }
    }

    /// Runs the worker on the faulty services until the queue is empty (a receive that
    /// fails is tried again; messages past their receives are in the dead-letter queue).
    async fn drain(&self) {
        for _ in 0..100 {
            let queue = self.faulty.queue.as_ref();
            if let Ok(0) = cyi_worker::consume_batch(&self.faulty, queue, Duration::ZERO).await {
                return;
            }
        }
        panic!("the queue never emptied");
    }

    /// Lets time pass lease by lease, sweeping each time, until a sweep finds nothing.
    async fn settle(&self) -> SweepReport {
        let mut total = SweepReport::default();
        for _ in 0..=MAX_SWEEP_SENDS + 1 {
            self.drain().await;
            self.clock.advance(WORK_LEASE_SECONDS + 1);
            let report = self.faulty.sweep().run().await;
            total.resent += report.resent;
            total.given_up += report.given_up;
            total.cleared += report.cleared;
            total.errors += report.errors;
            if report.examined == 0 {
                break;
            }
        }
        self.drain().await;
        total
    }

    /// The invariants every case must end with.
    async fn check(&self, flow: Flow, setup: &Setup) -> Result<usize, String> {
        let store = &self.plain.store;
        let user = setup.user_id.as_str();
        let profile = AccountStore::new(Arc::clone(store))
            .get(user)
            .await
            .unwrap()
            .ok_or("the profile is gone")?;
        let interviews = InterviewStore::new(Arc::clone(store));
        let listed = interviews.list(user).await.unwrap();
        let mut model_work = 0;
        for interview in &listed {
            if interview.personal_status == PersonalStatus::Pending {
                return Err(format!(
                    "interview {} still waits for personal questions",
                    interview.id
                ));
            }
            if interview.personal_status != PersonalStatus::None {
                model_work += 1;
            }
            let answers = interviews.answers(user, &interview.id).await.unwrap();
            let now = self.plain.clock.now();
            if interview.score != interview.final_score(&answers, now) {
                return Err(format!(
                    "interview {} has the score {:?}",
                    interview.id, interview.score
                ));
            }
            for (question, answer) in answers {
                if !answer.evaluation_status.is_settled() {
                    return Err(format!(
                        "the answer to {question} is still {:?}",
                        answer.evaluation_status
                    ));
                }
                model_work += 1;
            }
        }
        if profile.interviews_used != listed.len() as i64 {
            return Err(format!(
                "{} quota units used for {} interviews",
                profile.interviews_used,
                listed.len()
            ));
        }
        let cvs = CvStore::new(Arc::clone(store)).list(user).await.unwrap();
        for cv in &cvs {
            if !matches!(cv.status, CvStatus::Ready | CvStatus::Failed) {
                return Err(format!("CV {} is still {:?}", cv.id, cv.status));
            }
        }
        if profile.cvs_count != cvs.len() as i64 {
            return Err(format!(
                "{} CV slots taken by {} CVs",
                profile.cvs_count,
                cvs.len()
            ));
        }
        let (partition, prefix) = pending_user_prefix(user);
        let markers = query_all(store.as_ref(), &partition, &prefix)
            .await
            .unwrap();
        if !markers.is_empty() {
            return Err(format!("{} pending-work markers left", markers.len()));
        }
        // What the user asked for exists once: a failed request left nothing, its retry made it.
        let (made, expected) = match flow {
            Flow::CreateInterview => (listed.len(), 1),
            Flow::SubmitAnswer => (model_work, 1),
            Flow::UploadCv | Flow::CompleteUpload => (cvs.len(), 1),
        };
        if made != expected {
            return Err(format!("{made} made where the user asked for {expected}"));
        }
        Ok(model_work)
    }
}

fn new_interview(cv_id: &str, personal: usize) -> NewInterview {
    NewInterview {
        cv_id: cv_id.to_owned(),
        position: Position::Be,
        lang: Lang::En,
        technical: 1,
        behavioral: 0,
        personal,
        job_id: None,
        // Follow-ups add model calls whose count depends on grading: off, so every flow has
        // the same steps on every run.
        follow_ups: 0,
        focus_weak: false,
    }
}

async fn every_fault_at_every_step_ends_in_a_final_state(family: Family, name: &str) {
    let harness = Harness::new(family).await;
    let mut users = 0;
    let mut totals = Totals::default();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for flow in Flow::ALL {
        // The clean run lists the flow's steps.
        users += 1;
        let setup = harness.setup(flow, users).await;
        harness.faults.record();
        harness.request(flow, &setup).await.unwrap();
        harness.drain().await;
        let steps: Vec<Step> = harness.faults.trace();
        let first_model_call = steps.iter().position(|s| s.op.port() == Port::Llm);
        harness.settle().await;
        harness.check(flow, &setup).await.unwrap();

        let mut flow_cases = 0;
        for (index, &step) in steps.iter().enumerate() {
            for fault in Fault::ALL {
                users += 1;
                let setup = harness.setup(flow, users).await;
                let calls_before = harness.faults.model_calls();
                harness.faults.arm(step, fault);
                let mut failed = false;
                if harness.request(flow, &setup).await.is_err() {
                    failed = true;
                    // The page offers the same request again.
                    if let Err(error) = harness.request(flow, &setup).await {
                        failures.push(format!(
                            "{flow:?} {step:?} {fault:?}: the retry failed: {error}"
                        ));
                        continue;
                    }
                }
                let report = harness.settle().await;
                if harness.faults.injected().len() != 1 {
                    failures.push(format!("{flow:?} {step:?} {fault:?}: the fault never hit"));
                    continue;
                }
                let calls = (harness.faults.model_calls() - calls_before) as usize;
                flow_cases += 1;
                totals.cases += 1;
                totals.requests_failed += usize::from(failed);
                totals.swept += usize::from(report.resent > 0);
                totals.given_up += report.given_up;
                match harness.check(flow, &setup).await {
                    Err(problem) => {
                        failures.push(format!("{flow:?} {step:?} {fault:?}: {problem}"))
                    }
                    Ok(model_work) => {
                        // A call whose answer a fault cut off may be made again, once.
                        let cut_off = first_model_call.is_some_and(|first| index >= first);
                        let allowed = model_work + usize::from(cut_off);
                        if calls > allowed {
                            failures.push(format!(
                                "{flow:?} {step:?} {fault:?}: {calls} model calls for {model_work} pieces of work"
                            ));
                        }
                        totals.extra_model_calls += calls.saturating_sub(model_work);
                    }
                }
            }
        }
        summary.push(format!(
            "{flow:?}: {} steps, {flow_cases} cases",
            steps.len()
        ));
    }
    println!(
        "faults on {name}: {} cases over {}; {} requests failed and were retried, {} cases needed the sweep to send a job again, {} pieces of work given up, {} model calls made again after a fault cut one off",
        totals.cases,
        summary.join("; "),
        totals.requests_failed,
        totals.swept,
        totals.given_up,
        totals.extra_model_calls,
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases did not end well:\n{}",
        failures.len(),
        totals.cases,
        failures.join("\n")
    );
}

/// A model that is down.
struct Down;

#[async_trait::async_trait]
impl Llm for Down {
    async fn personal_questions(
        &self,
        _: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError> {
        Err(LlmError::Unavailable("every provider failed".into()))
    }
    async fn evaluate(&self, _: &EvaluationRequest) -> Result<Evaluation, LlmError> {
        Err(LlmError::Unavailable("every provider failed".into()))
    }
    async fn follow_up(&self, _: &FollowUpRequest) -> Result<FollowUp, LlmError> {
        Err(LlmError::Unavailable("every provider failed".into()))
    }
}

impl Harness {
    /// A fresh user with an answered question, its evaluation job in the queue.
    async fn answered(&self, n: usize) -> Setup {
        let setup = self.setup(Flow::SubmitAnswer, n).await;
        self.plain
            .interviews()
            .submit_answer(
                &setup.user_id,
                &setup.interview_id,
                "q1",
                "Keys stay sorted.".into(),
            )
            .await
            .unwrap();
        setup
    }

    async fn answer(&self, setup: &Setup) -> cyi_shared::domain::interview::Answer {
        InterviewStore::new(Arc::clone(&self.plain.store))
            .answer(&setup.user_id, &setup.interview_id, "q1")
            .await
            .unwrap()
            .unwrap()
    }

    async fn dead_letters(&self) -> Vec<cyi_shared::ports::Delivery> {
        self.plain.queue.receive_dead_letters(10).await.unwrap()
    }
}

async fn work_whose_job_is_lost_every_time_is_given_up_and_can_be_tried_again(
    family: Family,
    _: &str,
) {
    let harness = Harness::new(family).await;
    let setup = harness.answered(1).await;
    // Every job is lost: received and deleted unrun, as by a worker that dies each time.
    let lose_every_job = || async {
        for delivery in harness
            .plain
            .queue
            .receive(10, Duration::ZERO)
            .await
            .unwrap()
        {
            harness.plain.queue.delete(&delivery.receipt).await.unwrap();
        }
    };
    for send in 1..=MAX_SWEEP_SENDS {
        lose_every_job().await;
        assert_eq!(
            harness.plain.sweep().run().await.waiting,
            1,
            "within its lease"
        );
        harness.clock.advance(WORK_LEASE_SECONDS + 1);
        let report = harness.plain.sweep().run().await;
        assert_eq!(report.resent, 1, "sent again, time {send}");
    }
    lose_every_job().await;
    harness.clock.advance(WORK_LEASE_SECONDS + 1);
    assert_eq!(harness.plain.sweep().run().await.given_up, 1);
    let answer = harness.answer(&setup).await;
    assert_eq!(answer.evaluation_status, EvaluationStatus::Failed);
    assert_eq!(answer.failure_reason.as_deref(), Some("processing_error"));
    assert!(answer.can_evaluate_again());
    let report = harness
        .plain
        .interviews()
        .report(&setup.user_id, &setup.interview_id)
        .await
        .unwrap();
    assert!(report.complete, "a given-up answer is final");
    assert!(report.items[0].can_evaluate_again);

    // The candidate has it evaluated again: the same answer, submitted again.
    let retried = harness
        .faulty
        .interviews()
        .submit_answer(
            &setup.user_id,
            &setup.interview_id,
            "q1",
            "Keys stay sorted.".into(),
        )
        .await
        .unwrap();
    assert_eq!(retried.evaluation_status, EvaluationStatus::Queued);
    assert_eq!(retried.retries, 1);
    harness.drain().await;
    let answer = harness.answer(&setup).await;
    assert_eq!(answer.evaluation_status, EvaluationStatus::Evaluated);
    assert_eq!(answer.failure_reason, None);
    assert_eq!(harness.faults.model_calls(), 1);
    harness.settle().await;
    harness.check(Flow::SubmitAnswer, &setup).await.unwrap();
}

async fn a_batch_fails_only_its_poison_message_which_ends_in_the_dead_letter_queue(
    family: Family,
    _: &str,
) {
    let harness = Harness::new(family).await;
    let setup = harness.answered(1).await;
    let queue = &harness.plain.queue;
    let gone = Job::ExtractCv {
        user_id: setup.user_id.clone(),
        cv_id: "0".repeat(32),
    };
    queue.send(&gone).await.unwrap();
    let poison = queue.send_raw("not a job".into()).await.unwrap();
    let batch = queue.receive(10, Duration::ZERO).await.unwrap();
    assert_eq!(
        batch.len(),
        3,
        "the answer's job, a job for a deleted CV, the poison"
    );
    let failed = cyi_worker::process_batch(harness.plain.clone(), batch).await;
    assert_eq!(failed, [poison], "only the poison message fails");
    harness.drain().await;
    let dead = harness.dead_letters().await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].body, "not a job");
    assert_eq!(
        harness.answer(&setup).await.evaluation_status,
        EvaluationStatus::Evaluated
    );
}

async fn a_job_failing_every_delivery_shows_failed_and_replaying_it_is_harmless(
    mut family: Family,
    _: &str,
) {
    family.services.llm = Arc::new(Down);
    let harness = Harness::new(family).await;
    let setup = harness.answered(1).await;
    harness.drain().await;
    let answer = harness.answer(&setup).await;
    assert_eq!(answer.evaluation_status, EvaluationStatus::Failed);
    assert_eq!(answer.failure_reason.as_deref(), Some("model_unavailable"));
    assert_eq!(
        harness.faults.model_calls(),
        u64::from(REDELIVER_AT_ONCE.max_receives)
    );
    let dead = harness.dead_letters().await;
    assert_eq!(
        dead.len(),
        1,
        "after its receives the message is dead-lettered"
    );

    // An operator moves the dead letters back to the queue (what `aws sqs
    // start-message-move-task` does): the work is settled, so nothing runs again.
    for letter in dead {
        harness.plain.queue.send_raw(letter.body).await.unwrap();
    }
    harness.drain().await;
    assert_eq!(
        harness.faults.model_calls(),
        u64::from(REDELIVER_AT_ONCE.max_receives)
    );
    assert_eq!(harness.answer(&setup).await, answer);
    assert!(harness.dead_letters().await.is_empty());
    harness.settle().await;
    harness.check(Flow::SubmitAnswer, &setup).await.unwrap();
}

async fn jobs_for_deleted_data_are_dropped_quietly_and_leave_nothing(family: Family, _: &str) {
    let harness = Harness::new(family).await;
    let setup = harness.answered(1).await;
    let user = setup.user_id.as_str();
    harness
        .plain
        .cvs()
        .create_from_file(user, None, docx().into())
        .await
        .unwrap();
    harness
        .plain
        .interviews()
        .create(user, new_interview(&setup.cv_id, 1))
        .await
        .unwrap();
    let profile = AccountStore::new(Arc::clone(&harness.plain.store))
        .get(user)
        .await
        .unwrap()
        .unwrap();
    harness
        .plain
        .accounts()
        .delete_account(&profile, crate::common::PASSWORD)
        .await
        .unwrap();

    // Three jobs for data that is gone: each succeeds without doing anything.
    harness.drain().await;
    assert!(harness.dead_letters().await.is_empty());
    assert_eq!(harness.faults.model_calls(), 0);
    let store = harness.plain.store.as_ref();
    let left = query_all(
        store,
        &cyi_shared::storage::layout::user_partition(user),
        "",
    )
    .await
    .unwrap();
    assert!(left.is_empty(), "nothing written back: {left:?}");
    let (partition, prefix) = pending_user_prefix(user);
    assert!(
        query_all(store, &partition, &prefix)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(harness.plain.sweep().run().await.examined, 0);
}
