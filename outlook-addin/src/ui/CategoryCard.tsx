import {
  Badge,
  type BadgeProps,
  Body1,
  Button,
  Caption1,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  type MenuProps,
  MenuTrigger,
  makeStyles,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { Tag20Regular } from '@fluentui/react-icons';
import type { TriageResult as Triage, TriageFeedbackRequest } from '@steward/shared';
import { type CategoryId, INBOX_ORDER } from '@steward/shared/categories';
import { useEffect, useState } from 'react';
import { usePane } from './context.ts';
import { percent } from './format.ts';

const BADGE_COLORS: Record<CategoryId, BadgeProps['color']> = {
  to_respond: 'danger',
  awaiting_reply: 'warning',
  meeting_update: 'brand',
  fyi: 'informative',
  comment: 'brand',
  notification: 'informative',
  actioned: 'success',
  marketing: 'severe',
};

type Scope = NonNullable<TriageFeedbackRequest['scope']>;

const SCOPE_LABELS: Record<Scope, string> = {
  message: 'Just this message',
  sender: 'Always for this sender',
  domain: 'Always for this domain',
};

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  reasons: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, color: tokens.colorNeutralForeground2 },
  spacer: { flexGrow: 1 },
});

export interface CategoryCardProps {
  triage: Triage;
  onFix(category: CategoryId, scope: Scope): Promise<void>;
  onTag?: () => Promise<void>;
}

export function CategoryCard({ triage, onFix, onTag }: CategoryCardProps) {
  const styles = useStyles();
  const { settings } = usePane();
  const [scope, setScope] = useState<Scope>('message');
  const [busy, setBusy] = useState(false);
  // Controlled, so picking the scope keeps the menu open and picking a category closes it.
  const [menuOpen, setMenuOpen] = useState(false);
  const label = (id: CategoryId) => settings.categories[id]?.displayName ?? id;

  useEffect(() => {
    // The bench script reads this mark: pane load to category shown.
    performance.mark('steward:category-shown');
  }, []);

  const onScope: MenuProps['onCheckedValueChange'] = (_event, data) => {
    const value = data.checkedItems[0];
    if (value === 'message' || value === 'sender' || value === 'domain') setScope(value);
  };

  const fix = async (category: CategoryId) => {
    setMenuOpen(false);
    setBusy(true);
    try {
      await onFix(category, scope);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={styles.card} aria-label="Category" data-testid="category-card">
      <div className={styles.row}>
        <Badge
          size="large"
          appearance="filled"
          color={BADGE_COLORS[triage.category]}
          data-testid="category"
          data-category={triage.category}
        >
          {label(triage.category)}
        </Badge>
        <Tooltip content="How sure Steward is about this category" relationship="description">
          <Caption1 data-testid="confidence">{percent(triage.confidence)} sure</Caption1>
        </Tooltip>
        {triage.priority === 'high' ? (
          <Badge appearance="tint" color="danger" size="small">
            High priority
          </Badge>
        ) : null}
        <span className={styles.spacer} />
        <Menu
          open={menuOpen}
          onOpenChange={(_event, data) => setMenuOpen(data.open)}
          persistOnItemClick
          checkedValues={{ scope: [scope] }}
          onCheckedValueChange={onScope}
        >
          <MenuTrigger disableButtonEnhancement>
            <Button size="small" appearance="subtle" disabled={busy} aria-label="Fix category">
              Fix category
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuGroup>
                <MenuGroupHeader>Move to</MenuGroupHeader>
                {INBOX_ORDER.filter((id) => id !== triage.category).map((id) => (
                  <MenuItem key={id} onClick={() => void fix(id)} data-testid={`fix-${id}`}>
                    {label(id)}
                  </MenuItem>
                ))}
              </MenuGroup>
              <MenuDivider />
              <MenuGroup>
                <MenuGroupHeader>Remember for</MenuGroupHeader>
                {(Object.keys(SCOPE_LABELS) as Scope[]).map((value) => (
                  <MenuItemRadio key={value} name="scope" value={value}>
                    {SCOPE_LABELS[value]}
                  </MenuItemRadio>
                ))}
              </MenuGroup>
            </MenuList>
          </MenuPopover>
        </Menu>
        {onTag ? (
          <Tooltip content="Add this category to the message in Outlook" relationship="label">
            <Button size="small" appearance="subtle" icon={<Tag20Regular />} onClick={() => void onTag()} />
          </Tooltip>
        ) : null}
      </div>
      {triage.summary ? <Body1 data-testid="summary">{triage.summary}</Body1> : null}
      {triage.reasons.length ? (
        <ul className={styles.reasons} aria-label="Why" data-testid="reasons">
          {triage.reasons.map((reason) => (
            <li key={reason}>
              <Caption1>{reason}</Caption1>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
