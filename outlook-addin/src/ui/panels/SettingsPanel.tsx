import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Select,
  Slider,
  Spinner,
  Subtitle2,
  Switch,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import {
  type Formality,
  type PhraseUse,
  type Settings,
  type VoiceProfile,
  WEEKDAYS,
  type Weekday,
} from '@steward/shared';
import { INBOX_ORDER } from '@steward/shared/categories';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';
import { ErrorState } from '../states.tsx';
import { AlertChannelsSection, CrmSection } from './ReachSettings.tsx';
import { SyncStatusSection } from './SyncStatus.tsx';
import { VoiceLearning } from './VoiceLearning.tsx';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXL },
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  day: {
    display: 'grid',
    gridTemplateColumns: 'auto minmax(0, 1fr) minmax(0, 1fr)',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
  },
  // A 320-pixel pane leaves about 90 pixels per time: no picker icon and little padding, so "09:00 AM"
  // stays whole (the time is typed or stepped with the arrow keys).
  time: {
    minWidth: 0,
    width: '100%',
    paddingLeft: tokens.spacingHorizontalXXS,
    paddingRight: tokens.spacingHorizontalXXS,
    '& input': { paddingLeft: tokens.spacingHorizontalXXS, paddingRight: 0, minWidth: 0 },
    '& input::-webkit-calendar-picker-indicator': { display: 'none' },
  },
  category: {
    display: 'grid',
    gridTemplateColumns: 'auto minmax(0, 1fr)',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
  },
  name: { minWidth: 0 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
});

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export default function SettingsPanel() {
  const styles = useStyles();
  return (
    <div className={styles.panel} data-testid="settings-panel">
      <SyncStatusSection />
      <StyleCard />
      <WorkingHoursSection />
      <CategoriesSection />
      <ThresholdsSection />
      <AskSection />
      <AlertChannelsSection />
      <CrmSection />
    </div>
  );
}

/** Saves one section's part of the settings and reports the outcome. */
function useSettingsSaver() {
  const { api, setSettings, announce } = usePane();
  const [saving, setSaving] = useState(false);
  const save = async (patch: Partial<Settings>, what: string) => {
    setSaving(true);
    try {
      setSettings(await api.updateSettings(patch));
      announce(`${what} saved`, 'success');
    } catch (cause) {
      announce(describeError(cause), 'error');
    } finally {
      setSaving(false);
    }
  };
  return { saving, save };
}

function phrasesToText(phrases: PhraseUse[]): string {
  return phrases.map((p) => p.text).join('\n');
}

/** Keeps the learned share of phrases the user kept; a phrase the user typed counts as their first choice. */
export function textToPhrases(text: string, previous: PhraseUse[]): PhraseUse[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(0, 20).map((line, index) => ({
    text: line,
    share: previous.find((p) => p.text === line)?.share ?? (index === 0 ? 1 : 0),
  }));
}

export function blankVoiceProfile(name: string): VoiceProfile {
  return {
    greetings: [{ text: 'Hi {name},', share: 1 }],
    signOffs: [{ text: 'Best,', share: 1 }],
    perRecipient: [],
    signatureName: name,
    typicalWords: 80,
    formality: 'neutral',
    contractionsRate: 0.5,
    emojiRate: 0,
    punctuation: { exclamationRate: 0.05, ellipsisRate: 0 },
    languages: ['en'],
    sampleCount: 0,
    confidence: 'low',
  };
}

function StyleCard() {
  const styles = useStyles();
  const { api, me, announce } = usePane();
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'missing' }
    | { status: 'error'; message: string }
    | { status: 'ready'; profile: VoiceProfile }
  >({ status: 'loading' });
  const [greetings, setGreetings] = useState('');
  const [signOffs, setSignOffs] = useState('');
  const [saving, setSaving] = useState(false);

  const show = (profile: VoiceProfile) => {
    setGreetings(phrasesToText(profile.greetings));
    setSignOffs(phrasesToText(profile.signOffs));
    setState({ status: 'ready', profile });
  };

  const load = async () => {
    setState({ status: 'loading' });
    try {
      show(await api.getVoice());
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 404) setState({ status: 'missing' });
      else setState({ status: 'error', message: describeError(cause) });
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once when the panel opens
  useEffect(() => {
    void load();
  }, []);

  const update = (change: Partial<VoiceProfile>) => {
    if (state.status === 'ready') setState({ status: 'ready', profile: { ...state.profile, ...change } });
  };

  const save = async () => {
    if (state.status !== 'ready') return;
    setSaving(true);
    try {
      const profile = {
        ...state.profile,
        greetings: textToPhrases(greetings, state.profile.greetings),
        signOffs: textToPhrases(signOffs, state.profile.signOffs),
      };
      show(await api.updateVoice(profile));
      announce('Style card saved', 'success');
    } catch (cause) {
      announce(describeError(cause), 'error');
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className={styles.section} aria-labelledby="style-heading" data-testid="style-card">
      <Subtitle2 as="h2" id="style-heading">
        Your style card
      </Subtitle2>

      {state.status === 'loading' ? <Spinner size="tiny" label="Loading your style…" labelPosition="after" /> : null}
      {state.status === 'error' ? (
        <ErrorState title="Cannot load your style" message={state.message} onRetry={() => void load()} />
      ) : null}
      {state.status === 'missing' ? (
        <>
          <Body1>
            Steward has not learned your writing style yet. Learn it from your sent mail below, or start a card by hand.
          </Body1>
          <div>
            <Button onClick={() => show(blankVoiceProfile(me.displayName ?? ''))}>Start a style card</Button>
          </div>
        </>
      ) : null}

      {state.status === 'ready' ? (
        <>
          <Caption1>
            {state.profile.sampleCount > 0
              ? `Learned from ${state.profile.sampleCount} sent messages (${state.profile.confidence} confidence).`
              : 'Written by hand.'}
          </Caption1>
          <Field label="Greetings, most used first" hint="{name} stands for the recipient's first name.">
            <Textarea value={greetings} onChange={(_e, d) => setGreetings(d.value)} rows={3} />
          </Field>
          <Field label="Sign-offs, most used first">
            <Textarea value={signOffs} onChange={(_e, d) => setSignOffs(d.value)} rows={3} />
          </Field>
          <Field label="Name you sign with">
            <Input
              value={state.profile.signatureName}
              maxLength={200}
              onChange={(_e, d) => update({ signatureName: d.value })}
            />
          </Field>
          <Field label="Formality">
            <RadioGroup
              layout="horizontal"
              value={state.profile.formality}
              onChange={(_e, d) => update({ formality: d.value as Formality })}
            >
              <Radio value="casual" label="Casual" />
              <Radio value="neutral" label="Neutral" />
              <Radio value="formal" label="Formal" />
            </RadioGroup>
          </Field>
          <Field label={`Typical length: ${state.profile.typicalWords} words`}>
            <Slider
              min={10}
              max={400}
              step={10}
              value={Math.min(400, Math.max(10, state.profile.typicalWords))}
              onChange={(_e, d) => update({ typicalWords: d.value })}
            />
          </Field>
          <Field label={`Contractions ("I'm"): ${Math.round(state.profile.contractionsRate * 100)}%`}>
            <Slider
              min={0}
              max={100}
              step={5}
              value={Math.round(state.profile.contractionsRate * 100)}
              onChange={(_e, d) => update({ contractionsRate: d.value / 100 })}
            />
          </Field>
          <Field label={`Emoji: ${Math.round(state.profile.emojiRate * 100)}% of messages`}>
            <Slider
              min={0}
              max={100}
              step={5}
              value={Math.round(state.profile.emojiRate * 100)}
              onChange={(_e, d) => update({ emojiRate: d.value / 100 })}
            />
          </Field>
          <div className={styles.actions}>
            <Button appearance="primary" disabled={saving} onClick={() => void save()}>
              Save style card
            </Button>
          </div>
        </>
      ) : null}
      {state.status === 'missing' || state.status === 'ready' ? <VoiceLearning onLearned={show} /> : null}
    </section>
  );
}

function WorkingHoursSection() {
  const styles = useStyles();
  const { settings } = usePane();
  const { saving, save } = useSettingsSaver();
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [hours, setHours] = useState(settings.workingHours);
  const zones = supportedTimeZones();
  // Save stays off for a zone the browser does not know, and the field says why.
  const unknownZone = zones.length > 0 && !zones.includes(timeZone);

  const setDay = (day: Weekday, change: { on?: boolean; start?: string; end?: string }) => {
    const current = hours[day];
    const first = current[0] ?? { start: '09:00', end: '17:00' };
    if (change.on === false) return setHours({ ...hours, [day]: [] });
    const next = { start: change.start ?? first.start, end: change.end ?? first.end };
    setHours({ ...hours, [day]: [next, ...current.slice(1)] });
  };

  const invalid = WEEKDAYS.some((day) => hours[day].some((h) => h.start >= h.end && h.end !== '24:00'));

  return (
    <section className={styles.section} aria-labelledby="hours-heading" data-testid="hours-section">
      <Subtitle2 as="h2" id="hours-heading">
        Working hours
      </Subtitle2>
      <Field
        label="Time zone"
        hint="Meeting times are proposed inside these hours, in this zone."
        validationState={unknownZone ? 'error' : 'none'}
        validationMessage={
          unknownZone
            ? `"${timeZone}" is not a time zone Steward knows: pick one from the list, such as Europe/Berlin or America/New_York.`
            : undefined
        }
      >
        <Input
          value={timeZone}
          list="steward-time-zones"
          onChange={(_e, d) => setTimeZone(d.value)}
          data-testid="time-zone"
        />
      </Field>
      <datalist id="steward-time-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {WEEKDAYS.map((day) => {
        const first = hours[day][0];
        return (
          <div key={day} className={styles.day}>
            <Switch
              checked={Boolean(first)}
              label={DAY_NAMES[day].slice(0, 3)}
              aria-label={`Work on ${DAY_NAMES[day]}`}
              onChange={(_e, d) => setDay(day, { on: d.checked })}
            />
            {first ? (
              <>
                <Input
                  className={styles.time}
                  type="time"
                  aria-label={`${DAY_NAMES[day]} start`}
                  value={first.start}
                  onChange={(_e, d) => setDay(day, { start: d.value })}
                />
                <Input
                  className={styles.time}
                  type="time"
                  aria-label={`${DAY_NAMES[day]} end`}
                  value={first.end}
                  onChange={(_e, d) => setDay(day, { end: d.value })}
                />
              </>
            ) : (
              <Caption1>Day off</Caption1>
            )}
          </div>
        );
      })}
      {invalid ? <Caption1 role="alert">Each day must end after it starts.</Caption1> : null}
      <div className={styles.actions}>
        <Button
          appearance="primary"
          disabled={saving || invalid || unknownZone}
          onClick={() => void save({ timeZone, workingHours: hours }, 'Working hours')}
        >
          Save working hours
        </Button>
      </div>
    </section>
  );
}

function supportedTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : [...zones, 'UTC'];
}

function CategoriesSection() {
  const styles = useStyles();
  const { settings } = usePane();
  const { saving, save } = useSettingsSaver();
  const [categories, setCategories] = useState(settings.categories);
  const blank = INBOX_ORDER.some((id) => !categories[id].displayName.trim());
  return (
    <section className={styles.section} aria-labelledby="categories-heading" data-testid="categories-section">
      <Subtitle2 as="h2" id="categories-heading">
        Categories
      </Subtitle2>
      {INBOX_ORDER.map((id) => (
        <div key={id} className={styles.category}>
          <Switch
            checked={categories[id].enabled}
            aria-label={`Use ${categories[id].displayName}`}
            onChange={(_e, d) => setCategories({ ...categories, [id]: { ...categories[id], enabled: d.checked } })}
          />
          <Input
            className={styles.name}
            value={categories[id].displayName}
            maxLength={40}
            aria-label={`Display name for ${id.replace('_', ' ')}`}
            onChange={(_e, d) => setCategories({ ...categories, [id]: { ...categories[id], displayName: d.value } })}
          />
        </div>
      ))}
      <div className={styles.actions}>
        <Button appearance="primary" disabled={saving || blank} onClick={() => void save({ categories }, 'Categories')}>
          Save categories
        </Button>
      </div>
    </section>
  );
}

function ThresholdsSection() {
  const styles = useStyles();
  const { settings } = usePane();
  const { saving, save } = useSettingsSaver();
  const [reply, setReply] = useState(settings.replyThreshold);
  const [marketing, setMarketing] = useState(settings.marketingThreshold);
  return (
    <section className={styles.section} aria-labelledby="thresholds-heading" data-testid="thresholds-section">
      <Subtitle2 as="h2" id="thresholds-heading">
        How picky Steward is
      </Subtitle2>
      <Field label={`To respond: ${Math.round(reply * 100)}`} hint="Higher puts fewer messages in To respond.">
        <Slider
          min={0}
          max={100}
          step={5}
          value={Math.round(reply * 100)}
          onChange={(_e, d) => setReply(d.value / 100)}
        />
      </Field>
      <Field
        label={`Marketing: ${Math.round(marketing * 100)}`}
        hint="Higher files only clear promotions as Marketing."
      >
        <Slider
          min={0}
          max={100}
          step={5}
          value={Math.round(marketing * 100)}
          onChange={(_e, d) => setMarketing(d.value / 100)}
        />
      </Field>
      <div className={styles.actions}>
        <Button
          appearance="primary"
          disabled={saving}
          onClick={() => void save({ replyThreshold: reply, marketingThreshold: marketing }, 'Thresholds')}
        >
          Save thresholds
        </Button>
      </div>
    </section>
  );
}

const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/**
 * Ask Steward's mail index: opt-in; turning it off deletes it (rows, word counts, embeddings). And the hour of
 * the morning briefing left as a draft to self (never sent).
 */
function AskSection() {
  const styles = useStyles();
  const { settings } = usePane();
  const { saving, save } = useSettingsSaver();
  return (
    <section className={styles.section} aria-labelledby="ask-heading" data-testid="ask-section">
      <Subtitle2 as="h2" id="ask-heading">
        Ask Steward
      </Subtitle2>
      <Switch
        label="Index my mail so I can ask about it"
        checked={settings.mailIndex}
        disabled={saving}
        onChange={(_e, d) => void save({ mailIndex: d.checked }, 'Ask Steward setting')}
        data-testid="mail-index-switch"
      />
      <Caption1>
        Mail Steward syncs, and messages you open here, are indexed from when this is on. Turning it off deletes the
        index.
      </Caption1>
      <Field
        label="Morning briefing draft to me"
        hint="Each morning at this hour of your time zone Steward leaves the briefing in your Drafts, addressed to you. It is never sent."
      >
        <Select
          value={settings.briefingDraftHour === null ? 'off' : String(settings.briefingDraftHour)}
          disabled={saving}
          onChange={(_e, d) =>
            void save({ briefingDraftHour: d.value === 'off' ? null : Number(d.value) }, 'Briefing draft hour')
          }
          data-testid="briefing-hour"
        >
          <option value="off">Off</option>
          {HOURS.map((h) => (
            <option key={h} value={String(h)}>
              At {hourText(h)}
            </option>
          ))}
        </Select>
      </Field>
    </section>
  );
}
