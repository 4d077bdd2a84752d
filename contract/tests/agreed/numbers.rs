// The numbers every validator of the project must agree on, in the contract's international
// form: taken or refused as a Yassir Cash wallet phone for `dz` and `ma` (both offered), as a
// mobile-money MSISDN for `cg` and `cm` (with the operator its range suggests). The contract's
// rules (`contract/tests/agreed_numbers.rs`), the widget's form (`src/core/phone.rs`) and the
// server's validation (`server/src/validate.rs`) each run this table, so none of them can take
// a number another refuses. Included with `include!`: no items but these two.

/// What every validator answers for a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agreed {
    /// Taken; for mobile money, with the wire name of the operator its range suggests
    /// (`None`: the shopper picks).
    Taken(Option<&'static str>),
    /// Refused.
    Refused,
}

/// `(country, number, answer)`.
const AGREED_NUMBERS: &[(&str, &str, Agreed)] = &[
    ("dz", "+213555123456", Agreed::Taken(None)),
    ("dz", "+213661234567", Agreed::Taken(None)),
    ("dz", "+213770123456", Agreed::Taken(None)),
    ("dz", "213555000001", Agreed::Taken(None)),
    ("dz", "+21321123456", Agreed::Refused),
    ("dz", "+213255123456", Agreed::Refused),
    ("dz", "+213855123456", Agreed::Refused),
    ("dz", "+21355512345", Agreed::Refused),
    ("dz", "+2135551234567", Agreed::Refused),
    ("dz", "+33612345678", Agreed::Refused),
    ("ma", "+212612345678", Agreed::Taken(None)),
    ("ma", "+212712345678", Agreed::Taken(None)),
    // Fixed lines: the server took them before the plan.
    ("ma", "+212522123456", Agreed::Refused),
    ("ma", "+212537123456", Agreed::Refused),
    ("ma", "+212812345678", Agreed::Refused),
    ("cg", "242066594470", Agreed::Taken(Some("mtn"))),
    ("cg", "+242066594470", Agreed::Taken(Some("mtn"))),
    ("cg", "242055000001", Agreed::Taken(Some("airtel"))),
    ("cg", "242050017890", Agreed::Taken(Some("airtel"))),
    ("cg", "242044000001", Agreed::Taken(None)),
    ("cg", "242012345678", Agreed::Refused),
    ("cg", "242024012345", Agreed::Refused),
    ("cg", "242222812345", Agreed::Refused),
    ("cg", "242123456789", Agreed::Refused),
    ("cg", "24266594470", Agreed::Refused),
    ("cg", "2420665944701", Agreed::Refused),
    ("cg", "237670000001", Agreed::Refused),
    ("cm", "237670000001", Agreed::Taken(Some("mtn"))),
    ("cm", "+237650000001", Agreed::Taken(Some("mtn"))),
    ("cm", "237654123456", Agreed::Taken(Some("mtn"))),
    ("cm", "237680123456", Agreed::Taken(Some("mtn"))),
    ("cm", "237683123456", Agreed::Taken(Some("mtn"))),
    // Other networks and free ranges: the server took every `6` before the plan.
    ("cm", "237690000001", Agreed::Refused),
    ("cm", "237655123456", Agreed::Refused),
    ("cm", "237686123456", Agreed::Refused),
    ("cm", "237640123456", Agreed::Refused),
    ("cm", "237661234567", Agreed::Refused),
    ("cm", "237684123456", Agreed::Refused),
    ("cm", "237621234567", Agreed::Refused),
    ("cm", "237242123456", Agreed::Refused),
    ("cm", "237643123456", Agreed::Refused),
    ("cm", "237601234567", Agreed::Refused),
    ("cm", "237222123456", Agreed::Refused),
    ("cm", "23767123456", Agreed::Refused),
];
