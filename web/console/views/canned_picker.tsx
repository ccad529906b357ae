// The `/` shortcut's list of canned responses (issue 17), above the reply box: the
// matches of what follows the slash, arrow keys to move, Enter or Tab to insert, Escape
// to close. A listbox tied to the reply box (aria-activedescendant), so the caret stays
// where the agent types.
import type { CannedResponse } from "../../../wasm/src/types";

export interface CannedPickerProps {
  items: CannedResponse[];
  filter: string;
  active: number;
  onPick: (r: CannedResponse) => void;
  onManage: () => void;
}

export function CannedPicker({ items, filter, active, onPick, onManage }: CannedPickerProps) {
  return (
    <div class="canned-picker" data-testid="canned-picker">
      <div class="canned-picker-head">
        <span>Canned responses{filter ? <> matching <code>/{filter}</code></> : null}</span>
        <button type="button" class="link-button" onMouseDown={(e) => e.preventDefault()} onClick={onManage}>Manage</button>
      </div>
      {items.length ? (
        <ul id="canned-options" role="listbox" aria-label="Canned responses">
          {items.map((r, i) => (
            <li id={`canned-option-${i}`} role="option" aria-selected={i === active} class="canned-option"
                data-testid="canned-option" data-shortcut={r.shortcut}
                onMouseDown={(e) => e.preventDefault()} onClick={() => onPick(r)}>
              <span class="canned-shortcut">/{r.shortcut}</span>
              {r.scope === "team" ? <span class="ctx-chip">{r.team}</span> : null}
              <span class="canned-preview">{r.text}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="canned-none" data-testid="canned-none">
          No canned response {filter ? <>starts with <code>/{filter}</code></> : "yet"}. Press Escape to keep typing.
        </p>
      )}
    </div>
  );
}
