//! What one device or one address may ask of the gateway: requests per minute per device and
//! per address (a force network puts many devices behind one address, so that limit is higher),
//! enrolment attempts per address per hour (a one-time code is 80 bits, but guessing is still
//! throttled), and a per-device storage quota. Over a rate: `429 rate_limited` with
//! `Retry-After` in whole seconds; over the quota: `507 quota_exceeded` (the device keeps the
//! record and tries again later). Kept in memory with `governor`'s keyed GCRA limiters; a
//! restarted gateway starts every allowance afresh.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The limits force IT sets on the gateway's command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    /// Requests per minute from one device (also its burst).
    pub device_requests_per_minute: u32,
    /// Requests per minute from one network address (also its burst).
    pub address_requests_per_minute: u32,
    /// Enrolment attempts per hour from one network address (also its burst).
    pub enrolments_per_address_per_hour: u32,
    /// Bytes of envelopes one device may have stored.
    pub device_quota_bytes: u64,
}

impl Default for LimitConfig {
    fn default() -> Self {
        LimitConfig {
            device_requests_per_minute: 600,
            address_requests_per_minute: 6000,
            enrolments_per_address_per_hour: 20,
            device_quota_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The limiters, shared by every handler.
pub struct Limits {
    per_device: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    enrolments: DefaultKeyedRateLimiter<IpAddr>,
    /// The per-device storage quota, in bytes.
    pub device_quota_bytes: u64,
    clock: DefaultClock,
}

fn per(count: u32, period: Duration) -> Quota {
    let count = NonZeroU32::new(count.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period / count.get())
        .unwrap_or_else(|| Quota::per_second(count))
        .allow_burst(count)
}

impl Limits {
    /// Limiters for `config`.
    pub fn new(config: LimitConfig) -> Limits {
        Limits {
            per_device: RateLimiter::keyed(per(
                config.device_requests_per_minute,
                Duration::from_secs(60),
            )),
            per_address: RateLimiter::keyed(per(
                config.address_requests_per_minute,
                Duration::from_secs(60),
            )),
            enrolments: RateLimiter::keyed(per(
                config.enrolments_per_address_per_hour,
                Duration::from_secs(3600),
            )),
            device_quota_bytes: config.device_quota_bytes,
            clock: DefaultClock::default(),
        }
    }

    /// `Err(seconds to wait)` when the device is over its rate.
    pub fn device(&self, device_id: &str) -> Result<(), u64> {
        self.per_device
            .check_key(&device_id.to_string())
            .map_err(|not_until| whole_seconds(not_until.wait_time_from(self.clock.now())))
    }

    /// `Err(seconds to wait)` when the address is over its rate.
    pub fn address(&self, address: IpAddr) -> Result<(), u64> {
        self.per_address
            .check_key(&network_of(address))
            .map_err(|not_until| whole_seconds(not_until.wait_time_from(self.clock.now())))
    }

    /// `Err(seconds to wait)` when the address is over its enrolment attempts.
    pub fn enrolment(&self, address: IpAddr) -> Result<(), u64> {
        self.enrolments
            .check_key(&network_of(address))
            .map_err(|not_until| whole_seconds(not_until.wait_time_from(self.clock.now())))
    }

    /// Forgets keys whose allowance is full again, so memory stays bounded by recent callers.
    pub fn forget_idle(&self) {
        self.per_device.retain_recent();
        self.per_address.retain_recent();
        self.enrolments.retain_recent();
    }
}

/// The key an address is limited under: an IPv4 address itself, an IPv6 address's /64 (one
/// client holds a whole /64 and could rotate through it).
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(std::net::Ipv6Addr::from(segments))
        }
    }
}

fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}
