//! The sweep: finds queued work (a CV to extract, personal questions to write, an answer to
//! evaluate) that has gone past its lease without a result, and sends its job again; work
//! sent again too often is given up as `failed`, so every piece of work reaches a final
//! state whatever step failed. It reads the pending-work markers the requests write with the
//! work, and clears those of work that finished. A scheduled function runs it in AWS; the
//! local host runs it at start and on a timer.

use std::sync::Arc;

use serde::Serialize;

use crate::cvs::Cvs;
use crate::domain::cv::{CvError, CvStatus, FailureReason};
use crate::domain::job::{
    Job, JobError, MAX_SWEEP_SENDS, SweepAction, WORK_LEASE_SECONDS, WorkState, sweep_action,
};
use crate::interviews::jobs::InterviewJobs;
use crate::ports::{Clock, JobQueue};
use crate::storage::layout::JobRun;
use crate::storage::pending_work::{PendingJob, PendingWork};

/// The sweep's use cases, with only what they use.
#[derive(Clone)]
pub struct Sweep {
    pub(crate) pending: PendingWork,
    pub(crate) cvs: Cvs,
    pub(crate) jobs: InterviewJobs,
    pub(crate) queue: Arc<dyn JobQueue>,
    pub(crate) clock: Arc<dyn Clock>,
}

/// What one sweep did, for its log line and its callers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Markers read.
    pub examined: usize,
    /// Unfinished work still within its lease.
    pub waiting: usize,
    /// Markers of work that finished or was deleted, removed.
    pub cleared: usize,
    /// Jobs sent again.
    pub resent: usize,
    /// Work recorded as failed after being sent again too often.
    pub given_up: usize,
    /// Markers (or shards) that could not be handled this time; the next sweep tries again.
    pub errors: usize,
}

/// How a sweep treats work still within its lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Leave it: its job may be queued or running.
    Scheduled,
    /// Send it again now: the host restarted, and its queue and every run it held died with
    /// it.
    AfterRestart,
}

impl Sweep {
    pub fn new(
        pending: PendingWork,
        cvs: Cvs,
        jobs: InterviewJobs,
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            pending,
            cvs,
            jobs,
            queue,
            clock,
        }
    }

    /// Sends again the jobs of work past its lease without a result, gives up work sent
    /// again `MAX_SWEEP_SENDS` times, and clears the markers of work that finished.
    pub async fn run(&self) -> SweepReport {
        self.sweep(Mode::Scheduled).await
    }

    /// What a host whose queue lived in its memory runs when it starts: every unfinished
    /// piece of work lost its job, and every run in progress lost its worker, so each is
    /// released and sent again at once. This assumes the host is the only worker of its
    /// data; a run another worker still holds would be done twice, not lost.
    pub async fn recover_after_restart(&self) -> SweepReport {
        self.sweep(Mode::AfterRestart).await
    }

    /// Clears the marker of work whose job has just finished (or found nothing to do). Best
    /// effort: a marker left behind is cleared by the next sweep past its lease.
    pub async fn work_finished(&self, job: &Job) {
        if let Err(error) = self.pending.remove(job).await {
            tracing::warn!(?error, "a finished job's marker stays until the next sweep");
        }
    }

    /// Makes the work of a job that failed its last receive due at once: the queue gives up
    /// on it, so the next sweep sends it again, or clears it if a visible failure was
    /// recorded.
    pub async fn queue_gave_up(&self, job: &Job) {
        self.pending.due_now(job, self.clock.unix_now()).await;
    }

    async fn sweep(&self, mode: Mode) -> SweepReport {
        let mut report = SweepReport::default();
        for shard in PendingWork::shards() {
            let markers = match self.pending.shard(shard).await {
                Ok(markers) => markers,
                Err(error) => {
                    tracing::error!(?error, shard, "a shard of pending work could not be read");
                    report.errors += 1;
                    continue;
                }
            };
            for pending in markers {
                report.examined += 1;
                if let Err(error) = self.handle(&pending, mode, &mut report).await {
                    tracing::error!(?error, job = ?pending.job, "pending work could not be handled");
                    report.errors += 1;
                }
            }
        }
        if report != SweepReport::default() {
            tracing::info!(
                ?mode,
                examined = report.examined,
                waiting = report.waiting,
                cleared = report.cleared,
                resent = report.resent,
                given_up = report.given_up,
                errors = report.errors,
                "sweep"
            );
        }
        report
    }

    async fn handle(
        &self,
        pending: &PendingJob,
        mode: Mode,
        report: &mut SweepReport,
    ) -> Result<(), JobError> {
        let now = self.clock.unix_now();
        let action = match mode {
            Mode::Scheduled => sweep_action(pending.due_at, pending.sends, now),
            Mode::AfterRestart => sweep_action(now, pending.sends, now),
        };
        if action == SweepAction::Wait {
            report.waiting += 1;
            return Ok(());
        }
        if self.state(&pending.job).await? != WorkState::Unfinished {
            self.pending.remove(&pending.job).await?;
            report.cleared += 1;
            return Ok(());
        }
        match action {
            SweepAction::Wait => {}
            SweepAction::Resend => {
                if mode == Mode::AfterRestart {
                    self.release_run(&pending.job).await;
                }
                self.queue.send(&pending.job).await?;
                self.pending
                    .resent(pending, now + WORK_LEASE_SECONDS)
                    .await?;
                report.resent += 1;
            }
            SweepAction::GiveUp => {
                tracing::warn!(job = ?pending.job, sends = MAX_SWEEP_SENDS, "work given up after its job was lost too often");
                self.give_up(&pending.job).await?;
                self.pending.remove(&pending.job).await?;
                report.given_up += 1;
            }
        }
        Ok(())
    }

    async fn state(&self, job: &Job) -> Result<WorkState, JobError> {
        match job {
            Job::ExtractCv { user_id, cv_id } => match self.cvs.get(user_id, cv_id).await {
                Ok(cv) if cv.status == CvStatus::Processing => Ok(WorkState::Unfinished),
                Ok(_) => Ok(WorkState::Finished),
                Err(CvError::NotFound) => Ok(WorkState::Gone),
                Err(other) => Err(JobError::Unexpected(other.into())),
            },
            Job::GeneratePersonalQuestions {
                user_id,
                interview_id,
            } => {
                self.jobs
                    .personal_questions_state(user_id, interview_id)
                    .await
            }
            Job::EvaluateAnswer {
                user_id,
                interview_id,
                question_id,
            } => {
                self.jobs
                    .evaluation_state(user_id, interview_id, question_id)
                    .await
            }
            Job::EvaluateRetry {
                user_id,
                interview_id,
                question_id,
                attempt,
            } => {
                self.jobs
                    .retry_state(user_id, interview_id, question_id, *attempt)
                    .await
            }
        }
    }

    async fn give_up(&self, job: &Job) -> Result<(), JobError> {
        match job {
            Job::ExtractCv { user_id, cv_id } => self
                .cvs
                .finish_extraction(user_id, cv_id, Err(FailureReason::ProcessingError))
                .await
                .map_err(|e| JobError::Unexpected(e.into())),
            Job::GeneratePersonalQuestions {
                user_id,
                interview_id,
            } => {
                self.jobs
                    .give_up_personal_questions(user_id, interview_id)
                    .await
            }
            Job::EvaluateAnswer {
                user_id,
                interview_id,
                question_id,
            } => {
                self.jobs
                    .give_up_evaluation(user_id, interview_id, question_id)
                    .await
            }
            Job::EvaluateRetry {
                user_id,
                interview_id,
                question_id,
                attempt,
            } => {
                self.jobs
                    .give_up_retry(user_id, interview_id, question_id, *attempt)
                    .await
            }
        }
    }

    /// Releases the run record of a job, if it keeps one.
    async fn release_run(&self, job: &Job) {
        if let Some(run) = JobRun::of(job) {
            self.jobs.release_run(job.user_id(), run).await;
        }
    }
}
