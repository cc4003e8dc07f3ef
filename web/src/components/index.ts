// Shared UI pieces for every feature: import from 'components' rather than the single files.
export { Loading } from './Loading';
export { ErrorMessage } from './ErrorMessage';
export { PageTitle } from './PageTitle';
export { NotFound, RouteError } from './RouteError';
export { Button, Select, TextArea, TextField, type ButtonProps, type SelectOption, type SelectProps, type TextAreaProps, type TextFieldProps } from './form';
export { fieldError } from './form-errors';
export { Picker, type PickerOption, type PickerProps } from './Picker';
export { PersonPicker, ClientPicker, MatterPicker, searchPeople, searchClients, searchMatters, searchMattersByNumber, type TypedPickerProps } from './pickers';
export { ArchiveProtectionForm, isProtectionFieldError, type ArchiveProtection, type ArchiveProtectionFormProps } from './ArchiveProtectionForm';
export { Confirmation, type ConfirmationProps } from './Confirmation';
