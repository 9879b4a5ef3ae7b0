//! Job postings a candidate prepares for: the pasted text of an opening, the requirements read
//! from it (skills, years of experience, business domains) in English and Korean, and which
//! of them a CV shows. An interview aimed at a posting asks about the gaps and the matches,
//! leans its technical questions to the topics the posting names, and reports the fit.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::field::{FieldChecks, FieldError, HAS_TEXT, PRINTABLE, PRINTABLE_NOT_BLANK, TextRule};
use super::vocabulary::{Lang, Position, names};

/// Postings one account may keep.
pub const MAX_POSTINGS_PER_USER: i64 = 20;
pub const MAX_TEXT_CHARS: usize = 20_000;

/// A posting's title, as a candidate would name the opening.
pub static TITLE: TextRule = TextRule {
    min_chars: 1,
    max_chars: Some(200),
    pattern: Some(&PRINTABLE_NOT_BLANK),
};

pub static COMPANY: TextRule = TextRule {
    min_chars: 0,
    max_chars: Some(200),
    pattern: Some(&PRINTABLE),
};

/// The posting's text as pasted: at most 20,000 characters, not only space.
pub static TEXT: TextRule = TextRule {
    min_chars: 1,
    max_chars: Some(MAX_TEXT_CHARS),
    pattern: Some(&HAS_TEXT),
};

#[derive(Debug, thiserror::Error)]
pub enum PostingError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("You already have {MAX_POSTINGS_PER_USER} job postings; delete one to add another.")]
    LimitReached,
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// A technology or a field of engineering.
    Skill,
    /// Years of professional experience.
    Experience,
    /// A business domain (payments, e-commerce, ...).
    Domain,
}

names!(RequirementKind { Skill = "skill", Experience = "experience", Domain = "domain" });

/// One requirement read from a posting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "kubernetes", "kind": "skill", "name": "Kubernetes", "name_ko": "쿠버네티스", "topics": ["distributed-systems"]}))]
pub struct Requirement {
    /// Stable id: the vocabulary entry, or `experience`.
    pub id: String,
    pub kind: RequirementKind,
    /// How it is said in English and in Korean.
    pub name: String,
    pub name_ko: String,
    /// The bank topics that test it, if any.
    #[serde(default)]
    pub topics: Vec<String>,
    /// For `experience`: the years asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
}

impl Requirement {
    pub fn name_in(&self, lang: Lang) -> &str {
        lang.pick(&self.name, &self.name_ko)
    }
}

/// A posting as listed: everything but its text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = JobPosting, example = json!({"id": "0196f1c3b1c27e3f8d4b6c7e8f9a0b1d", "title": "Backend Engineer, Payments", "company": "Acme Pay", "text_chars": 1840, "requirements": [{"id": "kubernetes", "kind": "skill", "name": "Kubernetes", "name_ko": "쿠버네티스", "topics": ["distributed-systems"]}, {"id": "experience", "kind": "experience", "name": "5+ years of experience", "name_ko": "경력 5년 이상", "topics": [], "years": 5}], "created_at": "2026-11-29T09:31:00Z"}))]
pub struct PostingRecord {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub text_chars: usize,
    /// What the posting asks for, in the order the vocabulary lists it; empty when nothing
    /// known was found.
    pub requirements: Vec<Requirement>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

/// A new posting, checked: every field's mistake reported at once.
pub struct NewPosting {
    pub title: String,
    pub company: Option<String>,
    pub text: String,
}

impl NewPosting {
    pub fn parse(
        title: Option<&str>,
        company: Option<&str>,
        text: Option<&str>,
    ) -> Result<Self, PostingError> {
        let mut checks = FieldChecks::default();
        let title = checks.required("title", title, |raw| {
            TITLE
                .accepts(raw)
                .then(|| raw.trim().to_owned())
                .ok_or_else(|| {
                    FieldError::new(
                        "title",
                        "must be 1 to 200 characters, not blank, without control characters",
                    )
                })
        });
        let company = match company {
            Some(raw) if !COMPANY.accepts(raw) => {
                checks.push(FieldError::new(
                    "company",
                    "must be at most 200 characters, without control characters",
                ));
                None
            }
            Some(raw) if !raw.trim().is_empty() => Some(raw.trim().to_owned()),
            _ => None,
        };
        let text = checks.required("text", text, |raw| {
            TEXT.accepts(raw).then(|| raw.to_owned()).ok_or_else(|| {
                FieldError::new(
                    "text",
                    format!("must be 1 to {MAX_TEXT_CHARS} characters and not blank"),
                )
            })
        });
        match (title, text) {
            (Some(title), Some(text)) if checks.is_empty() => Ok(Self {
                title,
                company,
                text,
            }),
            _ => Err(PostingError::Invalid(checks.into_errors())),
        }
    }
}

/// One entry of the vocabulary a posting is read with.
struct Term {
    id: &'static str,
    name: &'static str,
    name_ko: &'static str,
    /// Lowercase words matched whole (an ASCII word is not matched inside a longer one;
    /// Korean may be followed by particles). A word starting with a capital letter is matched
    /// as written, so the language Go is not every "go".
    words: &'static [&'static str],
    topics: &'static [&'static str],
}

const fn term(
    id: &'static str,
    name: &'static str,
    name_ko: &'static str,
    words: &'static [&'static str],
    topics: &'static [&'static str],
) -> Term {
    Term {
        id,
        name,
        name_ko,
        words,
        topics,
    }
}

/// The skills a posting may ask for, with the bank topics that test each.
const SKILLS: &[Term] = &[
    term("python", "Python", "Python", &["python", "파이썬"], &[]),
    term("java", "Java", "Java", &["java", "자바"], &[]),
    term(
        "kotlin",
        "Kotlin",
        "Kotlin",
        &["kotlin", "코틀린"],
        &["android"],
    ),
    term("go", "Go", "Go", &["Go", "golang", "고랭"], &[]),
    term("rust", "Rust", "Rust", &["rust"], &[]),
    term(
        "spring",
        "Spring",
        "Spring",
        &["spring", "스프링"],
        &["apis"],
    ),
    term(
        "node",
        "Node.js",
        "Node.js",
        &["node.js", "nodejs", "노드"],
        &["apis"],
    ),
    term(
        "javascript",
        "JavaScript",
        "JavaScript",
        &["javascript", "자바스크립트", "es6"],
        &["javascript"],
    ),
    term(
        "typescript",
        "TypeScript",
        "TypeScript",
        &["typescript", "타입스크립트"],
        &["typescript"],
    ),
    term(
        "react",
        "React",
        "React",
        &["react", "react.js", "리액트"],
        &["react"],
    ),
    term("css", "CSS", "CSS", &["css", "sass", "tailwind"], &["css"]),
    term(
        "browsers",
        "browser internals",
        "브라우저 동작 원리",
        &["browser", "브라우저", "dom"],
        &["browsers"],
    ),
    term(
        "web-performance",
        "web performance",
        "웹 성능 최적화",
        &[
            "web vitals",
            "core web vitals",
            "성능 최적화",
            "performance optimization",
        ],
        &["performance"],
    ),
    term(
        "accessibility",
        "accessibility",
        "웹 접근성",
        &["accessibility", "a11y", "wcag", "접근성"],
        &["accessibility"],
    ),
    term(
        "ios",
        "iOS",
        "iOS",
        &["ios", "swift", "swiftui", "uikit"],
        &["ios"],
    ),
    term(
        "android",
        "Android",
        "Android",
        &["android", "안드로이드", "jetpack compose"],
        &["android"],
    ),
    term(
        "flutter",
        "Flutter",
        "Flutter",
        &["flutter", "dart", "플러터"],
        &["flutter"],
    ),
    term(
        "react-native",
        "React Native",
        "React Native",
        &["react native", "react-native", "리액트 네이티브"],
        &["react-native"],
    ),
    term(
        "sql",
        "SQL databases",
        "관계형 데이터베이스",
        &[
            "sql",
            "rdbms",
            "postgresql",
            "postgres",
            "mysql",
            "관계형 데이터베이스",
            "데이터베이스",
        ],
        &["databases"],
    ),
    term(
        "nosql",
        "NoSQL stores",
        "NoSQL 저장소",
        &["nosql", "mongodb", "dynamodb", "cassandra", "redis"],
        &["databases"],
    ),
    term(
        "kafka",
        "Kafka",
        "Kafka",
        &["kafka", "카프카", "rabbitmq", "message queue", "메시지 큐"],
        &["distributed-systems"],
    ),
    term(
        "distributed-systems",
        "distributed systems",
        "분산 시스템",
        &[
            "distributed system",
            "distributed systems",
            "microservice",
            "microservices",
            "msa",
            "분산 시스템",
            "분산시스템",
            "마이크로서비스",
        ],
        &["distributed-systems"],
    ),
    term(
        "apis",
        "API design",
        "API 설계",
        &[
            "rest",
            "restful",
            "grpc",
            "graphql",
            "api design",
            "api 설계",
        ],
        &["apis"],
    ),
    term(
        "networking",
        "networking",
        "네트워크",
        &["tcp", "tcp/ip", "networking", "네트워크"],
        &["networking"],
    ),
    term(
        "security",
        "security",
        "보안",
        &["security", "oauth", "보안", "인증"],
        &["security"],
    ),
    term(
        "concurrency",
        "concurrency",
        "동시성",
        &[
            "concurrency",
            "multithreading",
            "multi-threading",
            "동시성",
            "멀티스레드",
            "멀티 스레드",
        ],
        &["concurrency"],
    ),
    term(
        "linux",
        "Linux",
        "Linux",
        &["linux", "리눅스", "unix"],
        &["operating-systems"],
    ),
    term(
        "kubernetes",
        "Kubernetes",
        "쿠버네티스",
        &["kubernetes", "k8s", "쿠버네티스"],
        &["distributed-systems"],
    ),
    term(
        "docker",
        "Docker",
        "Docker",
        &["docker", "도커", "container", "containers", "컨테이너"],
        &["operating-systems"],
    ),
    term(
        "cloud",
        "AWS or another cloud",
        "AWS 등 클라우드",
        &["aws", "gcp", "azure", "cloud", "클라우드"],
        &["distributed-systems"],
    ),
    term(
        "ci-cd",
        "CI/CD",
        "CI/CD",
        &["ci/cd", "jenkins", "github actions", "배포 자동화"],
        &[],
    ),
    term(
        "machine-learning",
        "machine learning",
        "머신러닝",
        &[
            "machine learning",
            "scikit-learn",
            "머신러닝",
            "기계학습",
            "기계 학습",
        ],
        &["machine-learning"],
    ),
    term(
        "deep-learning",
        "deep learning",
        "딥러닝",
        &[
            "deep learning",
            "pytorch",
            "tensorflow",
            "neural network",
            "neural networks",
            "딥러닝",
            "신경망",
        ],
        &["deep-learning"],
    ),
    term(
        "nlp",
        "NLP and LLMs",
        "자연어 처리와 LLM",
        &[
            "nlp",
            "natural language",
            "llm",
            "llms",
            "transformer",
            "transformers",
            "자연어",
        ],
        &["nlp"],
    ),
    term(
        "mlops",
        "MLOps",
        "MLOps",
        &["mlops", "model serving", "mlflow", "kubeflow", "모델 서빙"],
        &["mlops"],
    ),
    term(
        "statistics",
        "statistics and experiments",
        "통계와 실험",
        &[
            "statistics",
            "a/b test",
            "a/b testing",
            "ab test",
            "통계",
            "a/b 테스트",
        ],
        &["statistics"],
    ),
];

/// The business domains a posting may name.
const DOMAINS: &[Term] = &[
    term(
        "payments",
        "payments and fintech",
        "결제와 핀테크",
        &["payment", "payments", "fintech", "결제", "핀테크", "금융"],
        &[],
    ),
    term(
        "commerce",
        "e-commerce",
        "이커머스",
        &[
            "e-commerce",
            "ecommerce",
            "commerce",
            "커머스",
            "이커머스",
            "쇼핑몰",
        ],
        &[],
    ),
    term(
        "advertising",
        "advertising",
        "광고",
        &["advertising", "ad tech", "adtech", "광고"],
        &[],
    ),
    term(
        "games",
        "games",
        "게임",
        &["game", "games", "gaming", "게임"],
        &[],
    ),
    term(
        "healthcare",
        "healthcare",
        "헬스케어",
        &["healthcare", "health care", "medical", "헬스케어", "의료"],
        &[],
    ),
    term(
        "logistics",
        "logistics",
        "물류",
        &["logistics", "delivery", "물류", "배송"],
        &[],
    ),
    term(
        "media",
        "media and streaming",
        "미디어와 스트리밍",
        &["streaming", "media", "미디어", "스트리밍"],
        &[],
    ),
    term(
        "mobility",
        "mobility",
        "모빌리티",
        &["mobility", "ride-hailing", "모빌리티"],
        &[],
    ),
];

/// Whether `word` occurs in `text` as a word of its own. `lower` is `text` lowercased, for
/// the words written in lowercase.
fn mentions(text: &str, lower: &str, word: &str) -> bool {
    let haystack = if word.starts_with(|c: char| c.is_ascii_uppercase()) {
        text
    } else {
        lower
    };
    let is_word_char = |c: char| c.is_ascii_alphanumeric();
    haystack.match_indices(word).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + word.len()..].chars().next();
        let starts_word = !word.starts_with(is_word_char) || !before.is_some_and(is_word_char);
        let ends_word = !word.ends_with(is_word_char) || !after.is_some_and(is_word_char);
        starts_word && ends_word
    })
}

fn mentions_term(text: &str, lower: &str, term: &Term) -> bool {
    term.words.iter().any(|word| mentions(text, lower, word))
}

/// Years of experience stated next to a number: "5+ years", "3 yrs", "경력 3년", "5년 이상".
static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    super::field::pattern(
        r"(?:^|[^\d])(\d{1,2})\s*\+?\s*(?:years?|yrs)\b|경력\s*(\d{1,2})\s*년|(?:^|[^\d])(\d{1,2})\s*년\s*(?:이상|차)",
    )
});

/// The largest number of years a text states.
fn stated_years(text: &str) -> Option<u32> {
    YEARS
        .captures_iter(text)
        .filter_map(|c| {
            (1..=3)
                .find_map(|group| c.get(group))
                .and_then(|m| m.as_str().parse::<u32>().ok())
        })
        .filter(|years| (1..=40).contains(years))
        .max()
}

fn requirement_of(term: &Term, kind: RequirementKind) -> Requirement {
    Requirement {
        id: term.id.to_owned(),
        kind,
        name: term.name.to_owned(),
        name_ko: term.name_ko.to_owned(),
        topics: term.topics.iter().map(|t| (*t).to_owned()).collect(),
        years: None,
    }
}

/// The requirements a posting names: years of experience first, then skills and domains in
/// the vocabulary's order. Deterministic; unknown words are not guessed at.
pub fn extract_requirements(text: &str) -> Vec<Requirement> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    if let Some(years) = stated_years(&lower) {
        found.push(Requirement {
            id: "experience".to_owned(),
            kind: RequirementKind::Experience,
            name: format!("{years}+ years of experience"),
            name_ko: format!("경력 {years}년 이상"),
            topics: Vec::new(),
            years: Some(years),
        });
    }
    for (terms, kind) in [
        (SKILLS, RequirementKind::Skill),
        (DOMAINS, RequirementKind::Domain),
    ] {
        found.extend(
            terms
                .iter()
                .filter(|term| mentions_term(text, &lower, term))
                .map(|term| requirement_of(term, kind)),
        );
    }
    found
}

/// Four-digit years in a text (1980 to 2099), for the span a CV's dates cover.
static CALENDAR_YEAR: LazyLock<Regex> =
    LazyLock::new(|| super::field::pattern(r"(?:^|[^\d])((?:19[89]|20\d)\d)(?:[^\d]|$)"));

/// Words that say a position is still held, so its span runs to this year.
const ONGOING: &[&str] = &["present", "current", "now", "현재", "재직"];

/// The years of experience a CV shows: what it states ("6 years", "경력 6년") or the span of
/// its dates (2018 - present).
fn years_shown(cv_text: &str, lower: &str, this_year: i32) -> u32 {
    let mut years: Vec<i32> = CALENDAR_YEAR
        .captures_iter(cv_text)
        .filter_map(|c| c[1].parse().ok())
        .filter(|year| *year <= this_year)
        .collect();
    if ONGOING.iter().any(|word| mentions(cv_text, lower, word)) {
        years.push(this_year);
    }
    let span = match (years.iter().min(), years.iter().max()) {
        (Some(first), Some(last)) => u32::try_from(last - first).unwrap_or(0),
        _ => 0,
    };
    span.max(stated_years(lower).unwrap_or(0))
}

/// Whether a CV shows a requirement: mentions one of its words, or for experience, covers
/// the years.
pub fn cv_shows(requirement: &Requirement, cv_text: &str, this_year: i32) -> bool {
    let lower = cv_text.to_lowercase();
    match requirement.kind {
        RequirementKind::Experience => {
            years_shown(cv_text, &lower, this_year) >= requirement.years.unwrap_or(0)
        }
        RequirementKind::Skill | RequirementKind::Domain => SKILLS
            .iter()
            .chain(DOMAINS)
            .find(|term| term.id == requirement.id)
            .is_some_and(|term| mentions_term(cv_text, &lower, term)),
    }
}

/// A requirement of the posting an interview is aimed at, and whether the CV shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TargetRequirement {
    #[serde(flatten)]
    pub requirement: Requirement,
    /// The CV shows it (a match) or not (a gap).
    pub in_cv: bool,
}

/// The posting an interview is aimed at, as it was when the interview started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TargetJob {
    pub job_id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub requirements: Vec<TargetRequirement>,
}

impl TargetJob {
    pub fn new(posting: &PostingRecord, cv_text: &str, this_year: i32) -> Self {
        Self {
            job_id: posting.id.clone(),
            title: posting.title.clone(),
            company: posting.company.clone(),
            requirements: posting
                .requirements
                .iter()
                .map(|requirement| TargetRequirement {
                    in_cv: cv_shows(requirement, cv_text, this_year),
                    requirement: requirement.clone(),
                })
                .collect(),
        }
    }

    /// Requirements the CV does not show.
    pub fn gaps(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements
            .iter()
            .filter(|r| !r.in_cv)
            .map(|r| &r.requirement)
    }

    /// Requirements the CV shows.
    pub fn matches(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements
            .iter()
            .filter(|r| r.in_cv)
            .map(|r| &r.requirement)
    }

    /// The bank topics of the position that the posting names, for leaning the technical
    /// questions to them.
    pub fn topics_for(&self, position: Position) -> BTreeSet<String> {
        self.requirements
            .iter()
            .flat_map(|r| &r.requirement.topics)
            .filter(|topic| position.topics().contains(&topic.as_str()))
            .cloned()
            .collect()
    }

    /// How many personal questions go to gaps and how many to matches, out of `count`: two
    /// of each where the posting and the count allow, gaps first.
    pub fn question_plan(&self, count: usize) -> (usize, usize) {
        let gaps = self.gaps().count().min(2).min(count);
        let matches = self.matches().count().min(2).min(count - gaps);
        (gaps, matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(requirements: &[Requirement]) -> Vec<&str> {
        requirements.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn an_english_posting_is_read_for_skills_years_and_domains() {
        let text = "Backend Engineer, Payments. 5+ years building services in Go or Java. \
            Experience with Kubernetes and Kafka; PostgreSQL. Nice to have: React.";
        let found = extract_requirements(text);
        assert_eq!(
            ids(&found),
            [
                "experience",
                "java",
                "go",
                "react",
                "sql",
                "kafka",
                "kubernetes",
                "payments"
            ]
        );
        assert_eq!(found[0].years, Some(5));
        assert_eq!(found[0].name, "5+ years of experience");
        let kubernetes = found.iter().find(|r| r.id == "kubernetes").unwrap();
        assert_eq!(kubernetes.topics, ["distributed-systems"]);
    }

    #[test]
    fn a_korean_posting_is_read_with_particles_attached() {
        let text = "[핀테크] 백엔드 개발자 채용\n- 경력 3년 이상\n- 쿠버네티스와 카프카를 활용한 분산 시스템 경험\n- 결제 도메인 경험 우대";
        let found = extract_requirements(text);
        assert_eq!(
            ids(&found),
            [
                "experience",
                "kafka",
                "distributed-systems",
                "kubernetes",
                "payments"
            ]
        );
        assert_eq!(found[0].name_ko, "경력 3년 이상");
    }

    #[test]
    fn words_inside_other_words_and_lowercase_go_do_not_count() {
        // "javascript" is not Java, "ago"/"go live" are not Go, a 2024 date is not 24 years.
        let found =
            extract_requirements("We went live 2 weeks ago; let's go. JavaScript since 2024.");
        assert_eq!(ids(&found), ["javascript"]);
    }

    #[test]
    fn a_cv_shows_skills_by_word_and_experience_by_its_dates() {
        let posting = extract_requirements("6+ years. Kubernetes, Kafka and React.");
        let cv = "Acme Cloud, 2017 - present: migrated 40 services to Kubernetes.";
        let shown: Vec<(&str, bool)> = posting
            .iter()
            .map(|r| (r.id.as_str(), cv_shows(r, cv, 2026)))
            .collect();
        assert_eq!(
            shown,
            [
                ("experience", true),
                ("react", false),
                ("kafka", false),
                ("kubernetes", true)
            ]
        );
        assert!(!cv_shows(&posting[0], "Acme Cloud, 2023 - 2025", 2026));
        assert!(cv_shows(&posting[0], "경력 7년 차 백엔드 개발자", 2026));
    }

    #[test]
    fn the_plan_asks_two_gaps_and_two_matches_where_it_can() {
        let posting = PostingRecord {
            id: "p".into(),
            title: "t".into(),
            company: None,
            text_chars: 1,
            requirements: extract_requirements("Kubernetes, Kafka, React, TypeScript and CSS."),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let job = TargetJob::new(&posting, "React and TypeScript at Acme.", 2026);
        assert_eq!(job.question_plan(5), (2, 2));
        assert_eq!(job.question_plan(3), (2, 1));
        assert_eq!(job.question_plan(1), (1, 0));
        assert_eq!(
            job.topics_for(Position::Fe).into_iter().collect::<Vec<_>>(),
            ["css", "react", "typescript"]
        );
        assert!(job.topics_for(Position::Ai).is_empty());
        let unmatched = TargetJob::new(&posting, "Embedded C on microcontrollers.", 2026);
        assert_eq!(unmatched.question_plan(5), (2, 0));
    }

    #[test]
    fn every_topic_named_is_a_bank_topic() {
        let topics = super::super::bank::all_topics();
        for term in SKILLS.iter().chain(DOMAINS) {
            for topic in term.topics {
                assert!(topics.contains(topic), "{}: {topic}", term.id);
            }
        }
    }

    #[test]
    fn a_new_posting_reports_every_mistake() {
        let Err(PostingError::Invalid(errors)) = NewPosting::parse(Some(" "), Some("a\u{7}"), None)
        else {
            panic!("accepted")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "company", "text"]);
        let ok = NewPosting::parse(Some(" Backend "), Some(" "), Some("Go")).unwrap();
        assert_eq!((ok.title.as_str(), ok.company), ("Backend", None));
    }
}
