//! The tables: for each country, its calling code, how its numbers are written, and which
//! national prefixes are mobile or fixed and, where the prefix tells, which network runs them.

/// Digits in a mobile number after the country code, in every country of the plan.
pub const NATIONAL_DIGITS: usize = 9;

/// A country whose numbering the plan knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    /// +213. Yassir Cash wallets.
    Algeria,
    /// +212. Yassir Cash wallets.
    Morocco,
    /// +242, the Republic of Congo. Mobile money.
    Congo,
    /// +237. Mobile money.
    Cameroon,
}

/// What a `0` in front of a national number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadingZero {
    /// A trunk prefix, dialled inside the country only: `0555 12 34 56` is `+213 555 12 34 56`.
    Trunk,
    /// Part of the number, kept after the country code: `06 659 44 70` is `+242 06 659 44 70`.
    Part,
    /// No such thing: numbers never start with 0 (Cameroon since its 9-digit plan).
    Absent,
}

/// What a range of numbers is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Mobile numbers: the only ones a wallet or mobile money can use.
    Mobile,
    /// Fixed lines.
    Fixed,
}

/// A network numbers are allocated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// MTN (Congo, Cameroon).
    Mtn,
    /// Airtel (Congo).
    Airtel,
    /// Orange (Cameroon).
    Orange,
    /// Nexttel (Cameroon).
    Nexttel,
    /// Camtel (Cameroon).
    Camtel,
    /// Congo Telecom (Congo).
    CongoTelecom,
    /// Equateur Telecom (Congo).
    EquateurTelecom,
    /// Mobilis (Algeria).
    Mobilis,
    /// Djezzy (Algeria).
    Djezzy,
    /// Ooredoo (Algeria).
    Ooredoo,
}

impl Network {
    /// The network's brand, the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            Network::Mtn => "MTN",
            Network::Airtel => "Airtel",
            Network::Orange => "Orange",
            Network::Nexttel => "Nexttel",
            Network::Camtel => "Camtel",
            Network::CongoTelecom => "Congo Telecom",
            Network::EquateurTelecom => "Equateur Telecom",
            Network::Mobilis => "Mobilis",
            Network::Djezzy => "Djezzy",
            Network::Ooredoo => "Ooredoo",
        }
    }
}

/// National numbers starting with any prefix from `first` to `last` (of equal length, so
/// `650`–`654` holds `650 12 34 56` to `654 99 99 99`), as the regulators allocate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The lowest prefix of the range.
    pub first: &'static str,
    /// The highest prefix, as long as `first`.
    pub last: &'static str,
    /// Mobile or fixed.
    pub service: Service,
    /// Who runs the range, when the prefix tells: `None` where blocks are shared or ported
    /// (Morocco), where the owner is not known (Congo `04`), and for fixed lines.
    pub network: Option<Network>,
}

impl Range {
    /// True when `national` (digits) starts with a prefix of this range.
    pub fn holds(&self, national: &str) -> bool {
        national
            .get(..self.first.len())
            .is_some_and(|prefix| self.first <= prefix && prefix <= self.last)
    }

    /// True when `partial` is too short to tell but the number it starts may fall in the range.
    fn may_hold(&self, partial: &str) -> bool {
        let len = partial.len();
        len < self.first.len() && &self.first[..len] <= partial && partial <= &self.last[..len]
    }
}

/// Where a national number falls in its country's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The range holding it.
    Range(&'static Range),
    /// Too few digits yet to tell (`65` in Cameroon: MTN from `650`, Orange from `655`).
    Undecided,
    /// In no range of the table: not allocated, or not to mobiles or fixed lines.
    Unassigned,
}

const fn mobile(first: &'static str, last: &'static str, network: Option<Network>) -> Range {
    Range {
        first,
        last,
        service: Service::Mobile,
        network,
    }
}

const fn fixed(first: &'static str, last: &'static str) -> Range {
    Range {
        first,
        last,
        service: Service::Fixed,
        network: None,
    }
}

/// Algeria (ARPCE): mobiles are `5`, `6` or `7` and 8 more digits; fixed lines are 8 digits
/// starting with `1` to `4` (`021 12 34 56` in Algiers).
const ALGERIA: &[Range] = &[
    mobile("5", "5", Some(Network::Ooredoo)),
    mobile("6", "6", Some(Network::Mobilis)),
    mobile("7", "7", Some(Network::Djezzy)),
    fixed("1", "4"),
];

/// Morocco (ANRT): mobiles are `6` or `7` and 8 more digits, their blocks shared by the three
/// operators and numbers portable, so the prefix names no network; `5` is fixed lines.
const MOROCCO: &[Range] = &[mobile("6", "7", None), fixed("5", "5")];

/// The Republic of Congo (9 digits since 2010; the 0 is part of the number): `06` MTN, `05`
/// Airtel, `04` once Warid's and of no reliable owner now, `01` Equateur Telecom, and Congo
/// Telecom's mobile blocks in `02`; Congo Telecom's fixed lines are `222`.
const CONGO: &[Range] = &[
    mobile("06", "06", Some(Network::Mtn)),
    mobile("05", "05", Some(Network::Airtel)),
    mobile("04", "04", None),
    mobile("01", "01", Some(Network::EquateurTelecom)),
    mobile("0240", "0240", Some(Network::CongoTelecom)),
    mobile("0255", "0258", Some(Network::CongoTelecom)),
    mobile("0260", "0260", Some(Network::CongoTelecom)),
    mobile("02610", "02615", Some(Network::CongoTelecom)),
    mobile("02666", "02669", Some(Network::CongoTelecom)),
    mobile("0267", "0269", Some(Network::CongoTelecom)),
    fixed("222", "222"),
];

/// Cameroon (ART, 9 digits since 2014, no leading 0): mobiles start with `6`, plus Camtel's
/// `242` and `243`; fixed lines are `222` and `233`.
const CAMEROON: &[Range] = &[
    mobile("67", "67", Some(Network::Mtn)),
    mobile("650", "654", Some(Network::Mtn)),
    mobile("680", "683", Some(Network::Mtn)),
    mobile("69", "69", Some(Network::Orange)),
    mobile("655", "659", Some(Network::Orange)),
    mobile("686", "689", Some(Network::Orange)),
    mobile("640", "642", Some(Network::Orange)),
    mobile("66", "66", Some(Network::Nexttel)),
    mobile("684", "685", Some(Network::Nexttel)),
    mobile("62", "62", Some(Network::Camtel)),
    mobile("242", "243", Some(Network::Camtel)),
    fixed("222", "222"),
    fixed("233", "233"),
];

impl Country {
    /// Every country of the plan.
    pub const ALL: [Country; 4] = [
        Country::Algeria,
        Country::Morocco,
        Country::Congo,
        Country::Cameroon,
    ];

    /// ISO 3166-1 alpha-2, lower case, as the contract and Yabetoo write it (`cg`).
    pub fn code(self) -> &'static str {
        match self {
            Country::Algeria => "dz",
            Country::Morocco => "ma",
            Country::Congo => "cg",
            Country::Cameroon => "cm",
        }
    }

    /// ISO 3166-1 alpha-3, as Yassir writes countries (`DZA`, `MAR`).
    pub fn alpha3(self) -> &'static str {
        match self {
            Country::Algeria => "DZA",
            Country::Morocco => "MAR",
            Country::Congo => "COG",
            Country::Cameroon => "CMR",
        }
    }

    /// The country of a lower-case alpha-2 code.
    pub fn from_code(code: &str) -> Option<Country> {
        Country::ALL
            .into_iter()
            .find(|country| country.code() == code)
    }

    /// The calling code, without `+` (`242`).
    pub fn dial_code(self) -> &'static str {
        match self {
            Country::Algeria => "213",
            Country::Morocco => "212",
            Country::Congo => "242",
            Country::Cameroon => "237",
        }
    }

    /// The country of a calling code written without `+`.
    pub fn from_dial_code(dial_code: &str) -> Option<Country> {
        Country::ALL
            .into_iter()
            .find(|country| country.dial_code() == dial_code)
    }

    /// Digits in a mobile number after the country code.
    pub fn national_digits(self) -> usize {
        NATIONAL_DIGITS
    }

    /// What a `0` in front of a national number is here.
    pub fn leading_zero(self) -> LeadingZero {
        match self {
            Country::Algeria | Country::Morocco => LeadingZero::Trunk,
            Country::Congo => LeadingZero::Part,
            Country::Cameroon => LeadingZero::Absent,
        }
    }

    /// The country's ranges. They never overlap.
    pub fn ranges(self) -> &'static [Range] {
        match self {
            Country::Algeria => ALGERIA,
            Country::Morocco => MOROCCO,
            Country::Congo => CONGO,
            Country::Cameroon => CAMEROON,
        }
    }

    /// Where the national digits typed so far fall (for Congo with their 0, for Algeria and
    /// Morocco without the trunk 0).
    pub fn lookup(self, national: &str) -> Lookup {
        let ranges = self.ranges();
        if let Some(range) = ranges.iter().find(|range| range.holds(national)) {
            Lookup::Range(range)
        } else if ranges.iter().any(|range| range.may_hold(national)) {
            Lookup::Undecided
        } else {
            Lookup::Unassigned
        }
    }
}
