// Every user-facing error text lives here, so wording stays consistent and reviewable in one place.

export const messages = {
  taskNotFound: (id: string) => `Async task "${id}" was not found. Check the id returned by submitAsyncTask().`,
  invalidTask: (field: string, problem: string) => `Invalid async task: ${field} ${problem}.`,
  duplicateTaskId: (id: string) =>
    `An async task with id "${id}" already exists. Choose another id, or omit it to get a generated one.`,
  duplicateTaskType: (type: string, first: string, second: string) =>
    `Two factories handle task type "${type}": ${first} and ${second}. Each task type must have exactly one factory per node.`,
  invalidFactory: (name: string, problem: string) => `Async task factory ${name} is invalid: ${problem}.`,
  invalidOption: (option: string, problem: string) => `Invalid AsyncTaskModule option "${option}": ${problem}.`,
  tooManyOfflineAttempts: (attempts: number, lastNode: string) =>
    `Task was lost with its node ${attempts} time(s) (last on node ${lastNode}); it is not retried again (option maxOfflineAttempts).`,
} as const;
