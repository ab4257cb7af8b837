//! Which records a timeline shows: `slrsim log`'s filters, shared by the command line and the
//! control API's `GET /_slrsim/log`.

use crate::log::record::Record;

/// Which records a timeline shows (every one when nothing is set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only this account's.
    pub account: Option<String>,
    /// Only those sent to this region.
    pub region: Option<String>,
    /// Only this operation's.
    pub op: Option<String>,
    /// Only refused calls.
    pub errors: bool,
}

impl LogFilter {
    /// Whether `rec` is shown.
    pub fn keeps(&self, rec: &Record) -> bool {
        let a = &rec.action;
        self.account.as_ref().is_none_or(|x| *x == a.account)
            && self.region.as_ref().is_none_or(|x| *x == a.region)
            && self.op.as_ref().is_none_or(|x| x == a.op.name())
            && (!self.errors || !rec.outcome.is_ok())
    }
}
