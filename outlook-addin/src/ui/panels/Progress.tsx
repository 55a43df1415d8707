import { makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  bar: {
    width: '100%',
    height: '4px',
    appearance: 'none',
    border: 'none',
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorNeutralBackground6,
    color: tokens.colorCompoundBrandBackground,
    '::-webkit-progress-bar': {
      backgroundColor: tokens.colorNeutralBackground6,
      borderRadius: tokens.borderRadiusSmall,
    },
    '::-webkit-progress-value': {
      backgroundColor: tokens.colorCompoundBrandBackground,
      borderRadius: tokens.borderRadiusSmall,
    },
    '::-moz-progress-bar': { backgroundColor: tokens.colorCompoundBrandBackground },
  },
});

/**
 * A native <progress> in Fluent's colours. Fluent's ProgressBar would land in the pane's first chunk
 * (esbuild places barrel re-exports there) and cost 1.5 KB gzipped at start for a settings-only widget.
 */
export function Progress({
  value,
  ...rest
}: {
  value: number | undefined;
  'aria-label': string;
  'data-testid'?: string;
}) {
  const styles = useStyles();
  return <progress className={styles.bar} max={1} {...(value === undefined ? {} : { value })} {...rest} />;
}
