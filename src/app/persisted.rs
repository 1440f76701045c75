//! What the window remembers across restarts (eframe storage): recent IDs and view choices,
//! never a key or candidate data.

/// How many recently opened interview IDs are remembered.
pub const MAX_RECENT: usize = 12;

/// What is remembered across restarts (eframe storage). Never holds the key or candidate data:
/// only interview IDs and view choices. Connections live in
/// [`crate::profiles::Settings`].
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct State {
    /// The API base URL of the earlier, single-connection version; moved into the `default`
    /// profile at the first start and then emptied (no longer written).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub base_url: String,
    /// The company ID of the earlier version; moved with [`State::base_url`].
    #[serde(skip_serializing_if = "String::is_empty")]
    pub company_id: String,
    /// Recently opened interview IDs, newest first (IDs only).
    pub recent: Vec<String>,
    /// The selected tab.
    pub tab: Tab,
    /// What the side panel shows.
    pub side: SidePanel,
    /// The Export tab's choices.
    pub export: ExportPrefs,
}

/// What an export contains, as chosen on the Export tab (remembered).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ExportPrefs {
    /// Keep the transcript in the document.
    pub transcript: bool,
    /// Add the candidate, agent and job records (once looked up).
    pub names: bool,
    /// Also save the analysis PDF beside the document.
    pub pdf_beside: bool,
    /// The review report shows the blind-review pseudonym instead of the candidate's name and
    /// e-mail.
    pub anonymise: bool,
    /// The format of *Save transcript as…*.
    pub transcript_format: crate::export::transcript_file::TranscriptFormat,
}

impl Default for ExportPrefs {
    fn default() -> Self {
        Self {
            transcript: true,
            names: true,
            pdf_beside: false,
            anonymise: false,
            transcript_format: crate::export::transcript_file::TranscriptFormat::Txt,
        }
    }
}

/// The side panel's two views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum SidePanel {
    /// The interview list from the server, with filters.
    #[default]
    Interviews,
    /// Recently opened interview IDs.
    Recent,
}

impl Default for State {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            company_id: String::new(),
            recent: Vec::new(),
            tab: Tab::Metadata,
            side: SidePanel::Interviews,
            export: ExportPrefs::default(),
        }
    }
}

/// The tabs of an open interview.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum Tab {
    /// Status, times, people, custom metadata, call attempts.
    #[default]
    Metadata,
    /// Speaker turns with search.
    Transcript,
    /// Score charts and the AI evaluation.
    Analysis,
    /// Export document preview and Save as.
    Export,
}

impl Tab {
    /// Every tab in display order.
    pub const ALL: [Self; 4] = [Self::Metadata, Self::Transcript, Self::Analysis, Self::Export];

    /// The tab's label (also its accessible name).
    pub fn label(self) -> &'static str {
        match self {
            Self::Metadata => "Metadata",
            Self::Transcript => "Transcript",
            Self::Analysis => "Analysis",
            Self::Export => "Export",
        }
    }
}
