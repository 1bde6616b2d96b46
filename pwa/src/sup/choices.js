// The choice lists the supervisors' screens share (areas, workers): read once per login and
// shared by every screen that asks meanwhile; a failed read is forgotten, so the next ask
// tries again. No imports: the hook around it is in views/sup/filters.js.
//
// A screen must always *ask* (and be answered by a promise), never only peek: a screen that
// rendered before a list arrived and then found it known, without being handed it, would
// wait for it forever. That was the users screen's empty area picker (issue 12).

export function createChoices() {
  let owner = null; // whose lists these are: a new login starts empty
  const known = new Map(); // name -> the list
  const asking = new Map(); // name -> the request in flight

  function ownedBy(who) {
    if (who === owner) return;
    owner = who;
    known.clear();
    asking.clear();
  }

  return {
    // The list if it is already known (for a first render), else undefined.
    peek(who, name) {
      return who === owner ? known.get(name) : undefined;
    },
    // The list, from memory or from one shared request.
    load(who, name, fetchList) {
      ownedBy(who);
      if (known.has(name)) return Promise.resolve(known.get(name));
      if (!asking.has(name)) {
        const request = Promise.resolve().then(fetchList).then(
          (list) => {
            if (asking.get(name) === request) {  // not an answer for an earlier login
              asking.delete(name);
              known.set(name, list);
            }
            return list;
          },
          (error) => {
            if (asking.get(name) === request) asking.delete(name);
            throw error;
          },
        );
        asking.set(name, request);
      }
      return asking.get(name);
    },
  };
}

export const choices = createChoices();
