//! What every request handler and background task shares: the store, the wall clock, the keys
//! loaded at start, the in-memory limiters and caches. Built once by `serve` (or a test app) with
//! the `with_*` methods and cloned into every handler.

use std::sync::Arc;

use oneseal_store::Store;

use crate::background::{leadership, rules_runner};
use crate::edge::{metrics, net, throttle};
use crate::error;
use crate::services::applicant_identity;
use crate::services::guesses;
use crate::services::{calendar, case_secrets, ledger, linkage, materials, sealing, statistics};
use crate::wall_clock::WallClock;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn WallClock>,
    pub metrics: Arc<metrics::Metrics>,
    /// The jurisdictions' logs: keys, witnesses, policy (empty until `with_logs`).
    pub logs: Arc<ledger::Logs>,
    /// The working-day calendar (shipped years plus imported ones).
    pub calendar: Arc<calendar::CalendarStore>,
    /// Decrypted seal keys (empty until `with_seal_keys`).
    pub seal_keys: Arc<sealing::SealKeys>,
    /// Whether this process runs the background work (always, unless `with_leadership`).
    pub leadership: leadership::Leadership,
    /// How many refused attempts each department may still have recorded this minute.
    pub refusals: Arc<linkage::RefusalLimiter>,
    /// Webhook secrets' encryption under the master key (none until `with_master_key`: then
    /// webhooks can be neither registered nor delivered).
    pub webhook_secrets: Option<Arc<linkage::webhooks::SecretBox>>,
    /// Which addresses webhooks may be registered for and delivered to (public ones only,
    /// unless the operator allows private networks).
    pub webhook_policy: linkage::webhooks::TargetPolicy,
    /// The public statistics' last figures per jurisdiction (see `services::statistics`).
    pub stats_cache: Arc<statistics::StatsCache>,
    /// `/stats` requests per client address and minute.
    pub stats_limiter: Arc<statistics::StatsLimiter>,
    /// The public home's last popular items per jurisdiction (see `services::guide::cached`).
    pub home_cache: Arc<crate::services::guide::cached::HomeCache>,
    /// Public home (`/`) requests per client address and minute.
    pub home_limiter: Arc<statistics::StatsLimiter>,
    /// The keys of query-code digests and document salts (none until `with_case_secrets`:
    /// then no case can be received or checked by its code).
    pub case_secrets: Option<Arc<case_secrets::CaseSecrets>>,
    /// Wrong query-code guesses per client address.
    pub guesses: Arc<guesses::GuessLimiter>,
    /// The public URL and trusted proxies (see `net`).
    pub net: Arc<net::Net>,
    /// Failed sign-ins and the password-checking pool (see `throttle`).
    pub sign_in: Arc<throttle::SignInThrottle>,
    /// The monitoring rules' engines, kept between runs so each run reads only new entries.
    pub rule_engines: Arc<rules_runner::RuleEngines>,
    /// Where the cases' material files are kept, and their limits (none until
    /// `with_materials`: then uploads and downloads answer 500).
    pub materials: Option<Arc<materials::Materials>>,
    /// How applicants' one-time codes are sent (none configured: [`NoSender`] refuses).
    ///
    /// [`NoSender`]: crate::services::applicant_identity::NoSender
    pub code_sender: Arc<dyn applicant_identity::CodeSender>,
    /// The demo's outbox of sent codes (`serve --demo` only: `GET /api/v1/demo/outbox`).
    pub demo_outbox: Option<Arc<applicant_identity::DemoOutbox>>,
    /// Codes asked for per client address and hour.
    pub code_requests: Arc<applicant_identity::AddressLimiter>,
    /// The province's identity service (OpenID Connect), when `serve --oidc-issuer` names one.
    pub oidc: Option<Arc<applicant_identity::oidc::Oidc>>,
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn WallClock>) -> Self {
        Self {
            store,
            clock,
            metrics: Arc::new(metrics::Metrics::default()),
            logs: Arc::new(ledger::Logs::default()),
            calendar: Arc::new(calendar::CalendarStore::default()),
            seal_keys: Arc::new(sealing::SealKeys::default()),
            leadership: leadership::Leadership::default(),
            refusals: Arc::default(),
            webhook_secrets: None,
            webhook_policy: linkage::webhooks::TargetPolicy::default(),
            stats_cache: Arc::default(),
            stats_limiter: Arc::default(),
            home_cache: Arc::default(),
            home_limiter: Arc::default(),
            case_secrets: None,
            guesses: Arc::default(),
            net: Arc::default(),
            sign_in: Arc::default(),
            rule_engines: Arc::new(rules_runner::RuleEngines::persisted()),
            materials: None,
            code_sender: Arc::new(applicant_identity::NoSender),
            demo_outbox: None,
            code_requests: Arc::default(),
            oidc: None,
        }
    }

    /// The demo's code sender: codes go to the server log (numbers masked) and to the outbox
    /// that `GET /api/v1/demo/outbox` shows.
    pub fn with_demo_outbox(mut self) -> Self {
        let outbox = Arc::new(applicant_identity::DemoOutbox::new(self.clock.clone()));
        self.code_sender = Arc::new(applicant_identity::DemoSender(outbox.clone()));
        self.demo_outbox = Some(outbox);
        self
    }

    /// A code sender of the operator's (an SMS gateway).
    pub fn with_code_sender(mut self, sender: Arc<dyn applicant_identity::CodeSender>) -> Self {
        self.code_sender = sender;
        self
    }

    /// Applicants may sign in through this OpenID provider (`/my/login/oidc`).
    pub fn with_oidc(mut self, oidc: Arc<applicant_identity::oidc::Oidc>) -> Self {
        self.oidc = Some(oidc);
        self
    }

    pub fn with_net(mut self, net: net::Net) -> Self {
        self.net = Arc::new(net);
        self
    }

    pub fn with_master_key(mut self, master: Arc<ledger::keys::MasterKey>) -> Self {
        self.webhook_secrets = Some(Arc::new(linkage::webhooks::SecretBox::new(master)));
        self
    }

    pub fn with_case_secrets(mut self, secrets: Arc<case_secrets::CaseSecrets>) -> Self {
        self.case_secrets = Some(secrets);
        self
    }

    /// The case secrets, which every step that receives, checks or seals needs.
    ///
    /// # Errors
    /// `Internal` when the server was started without them (a setup error, not bad input).
    pub fn case_secrets(&self) -> Result<Arc<case_secrets::CaseSecrets>, error::ApiError> {
        self.case_secrets
            .clone()
            .ok_or_else(|| error::ApiError::Internal("case secrets are not loaded".into()))
    }

    pub fn with_webhook_policy(mut self, policy: linkage::webhooks::TargetPolicy) -> Self {
        self.webhook_policy = policy;
        self
    }

    pub fn with_leadership(mut self, leadership: leadership::Leadership) -> Self {
        self.leadership = leadership;
        self
    }

    pub fn with_calendar(mut self, calendar: Arc<calendar::CalendarStore>) -> Self {
        self.calendar = calendar;
        self
    }

    pub fn with_seal_keys(mut self, keys: Arc<sealing::SealKeys>) -> Self {
        self.seal_keys = keys;
        self
    }

    pub fn with_materials(mut self, materials: Arc<materials::Materials>) -> Self {
        self.materials = Some(materials);
        self
    }

    pub fn with_logs(mut self, logs: Arc<ledger::Logs>) -> Self {
        self.logs = logs;
        self
    }
}

/// What the edge's extractors take from the state, so that they need not name `AppState`.
impl axum::extract::FromRef<AppState> for Arc<net::Net> {
    fn from_ref(state: &AppState) -> Self {
        state.net.clone()
    }
}

impl AppState {
    /// What the public progress query needs, over one calendar snapshot.
    pub fn public_query<'a>(
        &'a self,
        calendar: &'a oneseal_domain::calendar::Calendar,
    ) -> crate::services::cases::PublicQuery<'a> {
        crate::services::cases::PublicQuery {
            store: &self.store,
            guesses: &self.guesses,
            secrets: self.case_secrets.clone(),
            calendar,
            now: self.clock.now(),
        }
    }
}
