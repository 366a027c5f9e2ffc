/*
 * The shared end of a config-block editor (cluster, gateway): the "Review changes" / "Discard
 * changes" buttons (inside the form) and the review dialog (outside it, so the dialog's buttons
 * never submit the form). After a successful apply the form restarts from the saved
 * configuration, so the next edit is measured against what is on disk.
 */
import type { UseMutationResult } from '@tanstack/react-query';
import type { ApplyResponse, OptionsInput } from '@switchboard/shared';
import { WriteButton } from '../components/WriteButton';
import { ReviewDialog } from './ReviewDialog';
import type { ConfigState } from './useConfig';

export function ReviewDiscardButtons({ isDirty, locked, onDiscard }: { isDirty: boolean; locked: string | undefined; onDiscard: () => void }) {
  return (
    <div className="row" style={{ marginTop: 12 }}>
      <WriteButton type="submit" className="primary" disabled={!isDirty || !!locked} disabledReason={locked ?? 'Nothing changed yet'}>
        Review changes
      </WriteButton>
      <WriteButton onClick={onDiscard} disabled={!isDirty || !!locked} disabledReason={locked ?? 'Nothing changed yet'}>
        Discard changes
      </WriteButton>
    </div>
  );
}

export function BlockReviewDialog<B extends 'cluster' | 'gateway'>({
  block,
  summary,
  after,
  revision,
  mutation,
  close,
  reload,
  resetTo,
}: {
  /** The config block edited; the write sends it (null = remove) with the revision it started from. */
  block: B;
  summary: string;
  /** The whole config after the edit, or null while no review is open. */
  after: OptionsInput | null;
  revision: string;
  mutation: UseMutationResult<ApplyResponse, Error, { [K in B]: OptionsInput[B] | null } & { revision: string }>;
  close: () => void;
  reload: () => Promise<ConfigState | undefined>;
  /** Restart the form from the saved configuration. */
  resetTo: (saved: OptionsInput) => void;
}) {
  if (!after) return null;
  return (
    <ReviewDialog
      title={`${block} block`}
      summary={summary}
      after={after}
      revision={revision}
      mutation={mutation}
      variables={{ [block]: after[block] ?? null, revision } as { [K in B]: OptionsInput[B] | null } & { revision: string }}
      onClose={close}
      onDone={() => {
        close();
        void reload().then((latest) => latest && resetTo(latest.options));
      }}
      onReloadLatest={() => void reload()}
    />
  );
}
