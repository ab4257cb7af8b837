//! Testing tools: the reference model and the generator of histories, the step invariants, and the
//! harness that runs histories on real databases (`slrsim check`, the property tests); the worlds and
//! goals `slrsim fuzz` tests a user's own automation with.

pub mod check;
pub mod goals;
pub mod invariants;
pub mod reference;
pub mod world;
