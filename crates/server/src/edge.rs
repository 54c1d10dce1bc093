//! The HTTP edge's own machinery, shared by every route: sign-in and sessions, the request
//! guards, string bounds, the network settings, the throttles and the metrics. Nothing here
//! decides bureau business; it decides who is asking and whether the request may go on.

pub mod auth;
pub mod guard;
pub mod guesses;
pub mod limits;
pub mod metrics;
pub mod net;
pub mod throttle;
