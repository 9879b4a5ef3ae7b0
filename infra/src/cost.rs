//! What one whole interview uses in AWS, and what that costs per 1,000 interviews with the
//! model's tokens left out. The bench counts the usage on the real code path; the prices are
//! the only constants, kept here.

/// On-demand prices in us-east-1 (USD), as AWS publishes them (read in 2025; the bench cannot
/// fetch them, so check them before quoting a figure).
pub mod prices {
    /// API Gateway HTTP API, per million requests (first 300 million a month).
    pub const HTTP_API_PER_MILLION: f64 = 1.00;
    /// Lambda on arm64, per GB-second of billed duration.
    pub const LAMBDA_ARM_PER_GB_SECOND: f64 = 0.000_013_333_4;
    /// Lambda, per million invocations.
    pub const LAMBDA_PER_MILLION: f64 = 0.20;
    /// DynamoDB on-demand, per million write request units.
    pub const DYNAMODB_WRITE_PER_MILLION: f64 = 0.625;
    /// DynamoDB on-demand, per million read request units.
    pub const DYNAMODB_READ_PER_MILLION: f64 = 0.125;
    /// SQS standard queue, per million requests.
    pub const SQS_PER_MILLION: f64 = 0.40;
    /// S3 Standard, per thousand PUT and per thousand GET requests.
    pub const S3_PUT_PER_THOUSAND: f64 = 0.005;
    pub const S3_GET_PER_THOUSAND: f64 = 0.0004;
    /// The comparison: one small always-on instance (t4g.small, 2 vCPU, 2 GiB) for a month of
    /// 730 hours, without its disk.
    pub const SMALL_INSTANCE_PER_MONTH: f64 = 0.0168 * 730.0;
}

/// What one interview uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct Usage {
    pub api_requests: f64,
    pub lambda_invocations: f64,
    pub lambda_gb_seconds: f64,
    pub read_units: f64,
    pub write_units: f64,
    pub sqs_requests: f64,
    pub s3_puts: f64,
    pub s3_gets: f64,
}

impl Usage {
    /// The bill of this usage, in USD, line by line.
    pub fn bill(&self) -> [(&'static str, f64); 6] {
        use prices::*;
        [
            (
                "API Gateway",
                self.api_requests * HTTP_API_PER_MILLION / 1e6,
            ),
            (
                "Lambda",
                self.lambda_gb_seconds * LAMBDA_ARM_PER_GB_SECOND
                    + self.lambda_invocations * LAMBDA_PER_MILLION / 1e6,
            ),
            (
                "DynamoDB",
                self.write_units * DYNAMODB_WRITE_PER_MILLION / 1e6
                    + self.read_units * DYNAMODB_READ_PER_MILLION / 1e6,
            ),
            ("SQS", self.sqs_requests * SQS_PER_MILLION / 1e6),
            (
                "S3",
                self.s3_puts * S3_PUT_PER_THOUSAND / 1e3 + self.s3_gets * S3_GET_PER_THOUSAND / 1e3,
            ),
            ("total", 0.0),
        ]
    }

    pub fn total(&self) -> f64 {
        self.bill().iter().map(|(_, usd)| usd).sum()
    }
}

/// Billed Lambda GB-seconds of one invocation: the duration rounded up to the millisecond, at
/// the function's memory.
pub fn gb_seconds(duration: std::time::Duration, memory_mb: u32) -> f64 {
    let billed_ms = duration.as_secs_f64() * 1000.0;
    billed_ms.ceil() / 1000.0 * f64::from(memory_mb) / 1024.0
}

/// DynamoDB's request units for an item of `bytes`: reads in 4 KB steps (strongly
/// consistent), writes in 1 KB steps; transactions cost twice.
pub fn read_units(bytes: usize) -> f64 {
    bytes.div_ceil(4096).max(1) as f64
}

pub fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(1024).max(1) as f64
}

/// The tokens a text makes for a model's tokenizer, estimated without one: about four
/// characters per token for ASCII (English, JSON), one per character otherwise (a Hangul
/// syllable is one or more tokens in the common tokenizers, so Korean is not undercounted).
pub fn estimated_tokens(text: &str) -> usize {
    let ascii = text.chars().filter(char::is_ascii).count();
    let other = text.chars().count() - ascii;
    ascii.div_ceil(4) + other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_round_up_and_a_bill_adds_up() {
        assert_eq!(read_units(1), 1.0);
        assert_eq!(read_units(4097), 2.0);
        assert_eq!(write_units(1025), 2.0);
        assert!((gb_seconds(std::time::Duration::from_micros(1500), 1024) - 0.002).abs() < 1e-9);
        let usage = Usage {
            api_requests: 1e6,
            ..Usage::default()
        };
        assert!((usage.total() - prices::HTTP_API_PER_MILLION).abs() < 1e-9);
    }

    #[test]
    fn tokens_are_estimated_per_script() {
        assert_eq!(estimated_tokens(""), 0);
        assert_eq!(estimated_tokens("abcd"), 1);
        assert_eq!(estimated_tokens("abcde"), 2);
        assert_eq!(estimated_tokens("인덱스"), 3);
        assert_eq!(estimated_tokens("B-tree 인덱스"), 5);
    }
}
