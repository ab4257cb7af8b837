//! `explain`: why a deletion task failed or succeeded.

use std::path::Path;

use slrsim::timetravel;

use super::{open_existing, pretty, print};
use crate::exit::Failure;

/// Prints why the deletion task `task_id` failed or succeeded.
pub(crate) fn explain(db: &Path, task_id: &str, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let e = timetravel::explain(&store, task_id)?;
    if json {
        print(&pretty(&e)?)
    } else {
        print(&e.summary)
    }
}
