/** What an empty section needs to offer demo traffic. */
export interface DemoOffer {
  envId: string;
  onStart(): void;
  isDisabled: boolean;
}

/** The "Start demo traffic" button of an empty streams or queues section. */
export function DemoOfferButton({ offer }: { offer: DemoOffer }) {
  return (
    <button type="button" className="button button-primary" data-testid={`demo-start-empty-${offer.envId}`} disabled={offer.isDisabled} onClick={offer.onStart}>
      Start demo traffic
    </button>
  );
}
