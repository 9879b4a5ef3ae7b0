//! The storage layout: every key, key prefix, object key and attribute name the service
//! stores under, in one place. One table with string keys `pk`/`sk` (see README "Item
//! layout"); everything of a user lives in the `USER#{id}` partition and under the
//! `users/{id}/` object prefix, so deleting an account finds all of it.

use crate::domain::Position;
use crate::domain::job::Job;
use crate::ports::ItemKey;

/// Attribute names the repositories read and write by name.
pub mod attr {
    pub const USER_ID: &str = "user_id";
    pub const PASSWORD_HASH: &str = "password_hash";
    pub const TOKEN_VERSION: &str = "token_version";
    pub const INTERVIEWS_USED: &str = "interviews_used";
    pub const CVS_COUNT: &str = "cvs_count";
    pub const POSTINGS_COUNT: &str = "postings_count";
    pub const JOB_TEXT: &str = "job_text";
    pub const STARTED_AT: &str = "started_at";
    pub const FAILURES: &str = "failures";
    pub const STATUS: &str = "status";
    pub const FAILURE_REASON: &str = "failure_reason";
    pub const TEXT: &str = "text";
    pub const TEXT_CHARS: &str = "text_chars";
    pub const UPDATED_AT: &str = "updated_at";
    pub const SIZE_BYTES: &str = "size_bytes";
    pub const QUESTIONS: &str = "questions";
    pub const PERSONAL_STATUS: &str = "personal_status";
    pub const ANSWERED: &str = "answered";
    pub const SCORE: &str = "score";
    pub const EVALUATION_STATUS: &str = "evaluation_status";
    pub const EVALUATION: &str = "evaluation";
    pub const QUEUED_AT: &str = "queued_at";
    pub const IDS: &str = "ids";
    pub const STATE: &str = "state";
    pub const FOLLOW_UPS: &str = "follow_ups";
    pub const LAST_ANSWER_AT: &str = "last_answer_at";
    pub const FOLLOW_UP_PREFIX: &str = "followup#";
    pub const AWAITING_PREFIX: &str = "awaiting#";
    pub const LEASE_UNTIL: &str = "lease_until";
    pub const JOB: &str = "job";
    pub const DUE_AT: &str = "due_at";
    pub const SENDS: &str = "sends";
    pub const RETRIES: &str = "retries";

    /// Where an interview item keeps the state of one of its questions (`open`, `writing`,
    /// `answered`), so submitting an answer is one conditional write.
    pub fn question_state(question_id: &str) -> String {
        format!("state#{question_id}")
    }

    /// Where an interview item keeps the follow-up written for one of its questions.
    pub fn follow_up(question_id: &str) -> String {
        format!("{FOLLOW_UP_PREFIX}{question_id}")
    }

    /// Whether an answered question's evaluation is still to settle (`true`), so it may still
    /// bring a follow-up.
    pub fn awaiting_evaluation(question_id: &str) -> String {
        format!("{AWAITING_PREFIX}{question_id}")
    }
}

/// The states of a question on its interview item.
pub mod question_state {
    /// Written and not answered: an answer may be stored.
    pub const OPEN: &str = "open";
    /// A personal question still being written.
    pub const WRITING: &str = "writing";
    pub const ANSWERED: &str = "answered";
}

/// The partition that holds everything of a user.
pub fn user_partition(user_id: &str) -> String {
    format!("USER#{user_id}")
}

/// The prefix under which every object of a user is stored.
pub fn user_blob_prefix(user_id: &str) -> String {
    format!("users/{user_id}/")
}

/// The profile: password hash, token version, quota and CV counters.
pub fn profile_key(user_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), "PROFILE")
}

/// Uniqueness claim of a username, written in the same transaction as the profile.
pub fn username_claim(username: &str) -> ItemKey {
    ItemKey::new(format!("USERNAME#{username}"), "CLAIM")
}

/// Uniqueness claim of an email, by its canonical form.
pub fn email_claim(canonical_email: &str) -> ItemKey {
    ItemKey::new(format!("EMAIL#{canonical_email}"), "CLAIM")
}

/// Failed log-ins of a username in the current window.
pub fn login_failures_key(username: &str) -> ItemKey {
    ItemKey::new(format!("LOGIN#{username}"), "FAILURES")
}

pub const CV_PREFIX: &str = "CV#";

/// A CV's record.
pub fn cv_key(user_id: &str, cv_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("{CV_PREFIX}{cv_id}"))
}

/// A CV's text, apart from the record so listing CVs never reads texts.
pub fn cv_text_key(user_id: &str, cv_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("CVTEXT#{cv_id}"))
}

/// The CV text (and the job posting's text, when aimed at one) an interview was created with,
/// kept until its personal questions are written, so a correction of the CV or a deleted
/// posting afterwards does not change an interview already started.
pub fn interview_cv_text_key(user_id: &str, interview_id: &str) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("INTERVIEWCV#{interview_id}"),
    )
}

pub const POSTING_PREFIX: &str = "POSTING#";

/// A job posting's record.
pub fn posting_key(user_id: &str, posting_id: &str) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("{POSTING_PREFIX}{posting_id}"),
    )
}

/// A job posting's text, apart from the record so listing postings never reads texts.
pub fn posting_text_key(user_id: &str, posting_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("POSTINGTEXT#{posting_id}"))
}

/// Where a CV's file lives.
pub fn cv_blob_key(user_id: &str, cv_id: &str) -> String {
    format!("{}cvs/{cv_id}.pdf", user_blob_prefix(user_id))
}

pub const INTERVIEW_PREFIX: &str = "INTERVIEW#";

/// An interview with its questions and the set of answered question ids.
pub fn interview_key(user_id: &str, interview_id: &str) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("{INTERVIEW_PREFIX}{interview_id}"),
    )
}

/// An answer and its evaluation.
pub fn answer_key(user_id: &str, interview_id: &str, question_id: &str) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("{}{question_id}", answer_prefix(interview_id)),
    )
}

pub const ANSWER_PREFIX: &str = "ANSWER#";

/// The sort-key prefix of every answer of an interview.
pub fn answer_prefix(interview_id: &str) -> String {
    format!("{ANSWER_PREFIX}{interview_id}#")
}

/// A question answered again: attempt 1 or 2.
pub fn retry_key(user_id: &str, interview_id: &str, question_id: &str, attempt: u8) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("{}{question_id}#{attempt}", retry_prefix(interview_id)),
    )
}

/// The sort-key prefix of every retry of an interview.
pub fn retry_prefix(interview_id: &str) -> String {
    format!("RETRY#{interview_id}#")
}

/// Bank questions of a position the user was given.
pub fn seen_technical_key(user_id: &str, position: Position) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("SEEN#technical#{position}"),
    )
}

/// Behavioral bank questions the user was given.
pub fn seen_behavioral_key(user_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), "SEEN#behavioral")
}

/// The run record of a job: in progress with a lease, then completed.
pub fn job_run_key(user_id: &str, run: &JobRun<'_>) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("JOBRUN#{}", run.name()))
}

/// How many partitions pending-work markers are spread over, so that no single partition
/// takes every job's writes (DynamoDB serves about 1,000 writes a second per partition); the
/// sweep reads each of them.
pub const PENDING_SHARDS: u32 = 4;

/// The partition of pending-work markers of one shard.
pub fn pending_partition(shard: u32) -> String {
    format!("PENDING#{shard}")
}

/// The shard of a user's pending work: the same for every piece of it, so account deletion
/// finds all of it in one partition.
fn pending_shard(user_id: &str) -> u32 {
    let sum = user_id.bytes().fold(0u32, |sum, byte| {
        sum.wrapping_mul(31).wrapping_add(u32::from(byte))
    });
    sum % PENDING_SHARDS
}

/// The sort-key prefix of every pending-work marker of a user, in its shard.
pub fn pending_user_prefix(user_id: &str) -> (String, String) {
    (
        pending_partition(pending_shard(user_id)),
        format!("{user_id}#"),
    )
}

/// The marker of a job's work, present from the write that makes the work until its result
/// is recorded: how the sweep finds work whose job was lost. Outside the user's partition,
/// since the sweep cannot list users; account deletion removes a user's markers.
pub fn pending_work_key(job: &Job) -> ItemKey {
    let work = match (job, JobRun::of(job)) {
        (_, Some(run)) => run.name(),
        (Job::ExtractCv { cv_id, .. }, None) => format!("cv#{cv_id}"),
        (_, None) => unreachable!("every job but CV extraction keeps a run record"),
    };
    let (partition, prefix) = pending_user_prefix(job.user_id());
    ItemKey::new(partition, format!("{prefix}{work}"))
}

/// The jobs that keep run records.
#[derive(Clone, Copy, Debug)]
pub enum JobRun<'a> {
    PersonalQuestions {
        interview_id: &'a str,
    },
    Evaluation {
        interview_id: &'a str,
        question_id: &'a str,
    },
    Retry {
        interview_id: &'a str,
        question_id: &'a str,
        attempt: u8,
    },
}

impl<'a> JobRun<'a> {
    /// The run record a job keeps; `None` for CV extraction, whose CV's status is its only
    /// state.
    pub fn of(job: &'a Job) -> Option<Self> {
        match job {
            Job::ExtractCv { .. } => None,
            Job::GeneratePersonalQuestions { interview_id, .. } => {
                Some(Self::PersonalQuestions { interview_id })
            }
            Job::EvaluateAnswer {
                interview_id,
                question_id,
                ..
            } => Some(Self::Evaluation {
                interview_id,
                question_id,
            }),
            Job::EvaluateRetry {
                interview_id,
                question_id,
                attempt,
                ..
            } => Some(Self::Retry {
                interview_id,
                question_id,
                attempt: *attempt,
            }),
        }
    }

    /// The work's name within the user's keys (run records and pending-work markers alike).
    fn name(&self) -> String {
        match self {
            Self::PersonalQuestions { interview_id } => format!("personal#{interview_id}"),
            Self::Evaluation {
                interview_id,
                question_id,
            } => format!("evaluate#{interview_id}#{question_id}"),
            Self::Retry {
                interview_id,
                question_id,
                attempt,
            } => format!("retry#{interview_id}#{question_id}#{attempt}"),
        }
    }
}

/// Which bank: the curated one, or questions imported from the legacy layout for review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BankSource {
    Curated,
    Imported,
}

impl BankSource {
    fn prefix(self) -> &'static str {
        match self {
            Self::Curated => "BANK",
            Self::Imported => "IMPORTED",
        }
    }

    /// The partition of a position's technical questions.
    pub fn technical_partition(self, position: Position) -> String {
        format!("{}#technical#{position}", self.prefix())
    }

    /// A technical question, sorted by topic within its position.
    pub fn technical_key(self, position: Position, topic: &str, id: &str) -> ItemKey {
        ItemKey::new(self.technical_partition(position), format!("{topic}#{id}"))
    }

    /// The partition of competencies and behavioral questions.
    pub fn behavioral_partition(self) -> String {
        format!("{}#behavioral", self.prefix())
    }

    pub fn competency_key(self, competency: &str) -> ItemKey {
        ItemKey::new(
            self.behavioral_partition(),
            format!("{COMPETENCY_PREFIX}{competency}"),
        )
    }

    pub fn behavioral_key(self, competency: &str, id: &str) -> ItemKey {
        ItemKey::new(
            self.behavioral_partition(),
            format!("{BEHAVIORAL_PREFIX}{competency}#{id}"),
        )
    }
}

pub const COMPETENCY_PREFIX: &str = "COMPETENCY#";
pub const BEHAVIORAL_PREFIX: &str = "QUESTION#";
