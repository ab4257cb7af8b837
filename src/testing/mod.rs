//! Testing tools: the reference model and the generator of histories, the step invariants, and the
//! harness that runs histories on real databases (`slrsim check`, the property tests).

pub mod check;
pub mod invariants;
pub mod reference;
